using Etcdserverpb;
using GrainKv.Grains.Replication;
using GrainKv.Grains.Sharding;
using GrainKv.Shard;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Compaction;

/// <summary>
/// Issues etcd's auto-compaction: samples the revision at the policy's interval and proposes the
/// same Compact a client would, on every shard at one revision.
/// </summary>
public sealed partial class AutoCompactor : BackgroundService
{
    private readonly AutoCompactionPolicy _policy;
    private readonly IShardFrontDoors _frontDoors;
    private readonly ShardMap _map;
    private readonly TimeProvider _time;
    private readonly ILogger<AutoCompactor> _log;

    public AutoCompactor(AutoCompactionPolicy policy, IShardFrontDoors frontDoors, ShardMap map, TimeProvider time, ILogger<AutoCompactor> log)
    {
        _policy = policy;
        _frontDoors = frontDoors;
        _map = map;
        _time = time;
        _log = log;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = _time.GetTimestamp();
        using var timer = new PeriodicTimer(_policy.CheckInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (_policy.Observe(_time.GetElapsedTime(started), await ClusterRevisionAsync()) is not { } revision) continue;
                foreach (var range in _map.Ranges)
                {
                    var reply = await _frontDoors.For(range.ShardId)
                        .Propose(new ShardCommand { Compaction = new CompactionRequest { Revision = revision } });
                    if (reply.Error is not (ShardError.None or ShardError.Compacted)) LogFailed(revision, reply.Error.ToString());
                }
                LogCompacted(revision);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(0, ex.Message);
            }
        }
    }

    /// <summary>The latest revision of any shard: with several shards, each has only the revisions of its own writes.</summary>
    private async Task<long> ClusterRevisionAsync()
    {
        var revision = 0L;
        foreach (var range in _map.Ranges) revision = Math.Max(revision, (await _frontDoors.For(range.ShardId).GetStatus()).Revision);
        return revision;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Auto-compacted at revision {Revision}")]
    private partial void LogCompacted(long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auto-compaction at revision {Revision} failed: {Reason}")]
    private partial void LogFailed(long revision, string reason);
}
