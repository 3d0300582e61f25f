using System.Diagnostics.Metrics;
using Etcdserverpb;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Grains.Sharding;
using GrainKv.Shard;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Corruption;

/// <summary>
/// etcd's periodic corruption check on this silo: every interval, for each shard whose leader is this silo's replica,
/// compares that replica's HashKV with every peer replica's at the same revision (<see cref="CorruptionCheck"/>) and
/// raises the CORRUPT alarm it names through the cluster-state shard's Raft group, as etcd's leader does.
/// </summary>
public sealed partial class CorruptionMonitor : BackgroundService
{
    private static readonly Meter Meter = new("GrainKv.Corruption");
    private static readonly Counter<long> ChecksRun = Meter.CreateCounter<long>("grainkv_corruption_checks_total",
        description: "Corruption check passes this silo ran as a shard's leader.");
    private static readonly Counter<long> AlarmsRaised = Meter.CreateCounter<long>("grainkv_corruption_alarms_raised_total",
        description: "CORRUPT alarms this silo proposed after a corruption check found a mismatch.");

    private readonly CorruptionCheckOptions _options;
    private readonly IGrainFactory _grains;
    private readonly IShardFrontDoors _frontDoors;
    private readonly ShardMap _map;
    private readonly ClusterIdentity _identity;
    private readonly TimeProvider _time;
    private readonly ILogger<CorruptionMonitor> _log;

    public CorruptionMonitor(CorruptionCheckOptions options, IGrainFactory grains, IShardFrontDoors frontDoors, ShardMap map, ClusterIdentity identity,
        TimeProvider time, ILogger<CorruptionMonitor> log)
    {
        _options = options;
        _grains = grains;
        _frontDoors = frontDoors;
        _map = map;
        _identity = identity;
        _time = time;
        _log = log;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogEnabled(_identity.MemberId, _options.Interval);
        using var timer = new PeriodicTimer(_options.Interval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var range in _map.Ranges.Where(range => range.Replicas.Contains(_identity.MemberId)))
            {
                try
                {
                    await CheckIfLeaderAsync(range.ShardId, range.Replicas, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(range.ShardId, ex.Message);
                }
            }
        }
    }

    private async Task CheckIfLeaderAsync(ulong shardId, IReadOnlyList<ulong> replicas, CancellationToken ct)
    {
        var own = Replica(shardId, _identity.MemberId);
        if ((await Answer(own.GetStatus(), ct)).LeaderId != _identity.MemberId) return;

        var first = await Answer(own.Read(HashKv(0, serializable: true)), ct);
        if (first.Error != ShardError.None)
        {
            LogFailed(shardId, first.Error.ToString());
            return;
        }
        var before = KvHash.Of(first.HashKv);
        var peers = await Task.WhenAll(replicas.Where(id => id != _identity.MemberId).Select(id => AskPeerAsync(shardId, id, before.Revision, ct)));
        // The linearizable read confirms this replica still leads and has applied all a peer can have applied.
        var second = await Answer(own.Read(HashKv(0, serializable: false)), ct);
        if (second.Error != ShardError.None)
        {
            LogFailed(shardId, second.Error.ToString());
            return;
        }

        var verdict = CorruptionCheck.Judge(_identity.MemberId, before, KvHash.Of(second.HashKv), peers);
        ChecksRun.Add(1);
        foreach (var (memberId, reason) in verdict.Skipped) LogSkipped(shardId, memberId, reason, before.Revision);
        foreach (var finding in verdict.Findings) LogFound(shardId, finding.MemberId, finding.Rule, finding.LeaderValue, finding.MemberValue);
        if (verdict.AlarmToRaise is { } alarm)
        {
            var raised = await Answer(_frontDoors.For(_map.ClusterStateShard).Propose(alarm), ct);
            if (raised.Error != ShardError.None)
            {
                LogFailed(shardId, raised.Error.ToString());
                return;
            }
            AlarmsRaised.Add(1);
            LogRaised(shardId, alarm.Alarm.MemberID);
        }
        LogChecked(shardId, before.Revision, verdict.PeersChecked);
    }

    /// <summary>A peer that cannot answer, whatever the reason, is skipped: only an answer can show corruption.</summary>
    private async Task<PeerHashKv> AskPeerAsync(ulong shardId, ulong memberId, long revision, CancellationToken ct)
    {
        try
        {
            return PeerHashKv.Of(memberId, await Answer(Replica(shardId, memberId).Read(HashKv(revision, serializable: true)), ct));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogNoAnswer(shardId, memberId, ex.Message);
            return PeerHashKv.NoAnswer(memberId);
        }
    }

    private Task<T> Answer<T>(Task<T> call, CancellationToken ct) => call.WaitAsync(_options.RequestTimeout, _time, ct);

    private IReplicaGrain Replica(ulong shardId, ulong memberId) =>
        _grains.GetGrain<IReplicaGrain>(new ReplicaKey(shardId, memberId).ToString());

    private static ShardRead HashKv(long revision, bool serializable) =>
        new() { Serializable = serializable, HashKv = new HashKVRequest { Revision = revision } };
}
