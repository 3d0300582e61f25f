using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;
using GrainKv.Shard;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Replication;

/// <summary>
/// With several shards, spreads their leaders as the map spreads their first replicas: when the silo starts, each shard
/// whose first replica is this silo's asks for its leadership once the group has elected a leader elsewhere, so a new
/// cluster's leaders land on different silos and a silo that comes back takes its shards' leadership back. Only at
/// start: a leader moved later (by an operator, or by a failover while this silo runs) stays where it is.
/// </summary>
public sealed partial class PreferredLeaders(ShardMap map, ClusterIdentity identity, ReplicaStarter starter, IShardFrontDoors frontDoors,
    GrainCallsReady ready, TimeProvider time, ILogger<PreferredLeaders> log) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!map.HasSeveralShards) return;
        await ready.WhenReady.WaitAsync(stoppingToken);
        var preferred = map.Ranges.Where(r => r.Replicas.Count > 1 && r.Replicas[0] == identity.MemberId).Select(r => r.ShardId).ToList();
        await Task.WhenAll(preferred.Select(shard => LeadAsync(shard, stoppingToken)));
    }

    /// <summary>
    /// Asks the leader found to hand over, again while it still leads; stops once this silo leads, or once leadership
    /// went elsewhere meanwhile (an operator's transfer or a failover decided otherwise).
    /// </summary>
    private async Task LeadAsync(ulong shardId, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + GiveUpAfter;
        ulong askedOf = 0;
        while (time.GetUtcNow() < deadline)
        {
            if (starter.Running(shardId)?.GetStatus() is { LeaderId: not 0 } status)
            {
                if (status.LeaderId == identity.MemberId || (askedOf != 0 && status.LeaderId != askedOf)) return;
                // The leader hands over once this replica has caught up; it refuses (and this asks again) otherwise.
                var reply = await frontDoors.For(shardId).TransferLeadership(identity.MemberId).WaitAsync(ct);
                if (reply.Error is ShardError.None) askedOf = status.LeaderId;
                else LogNotYet(shardId, reply.Error.ToString());
            }
            await Task.Delay(Poll, time, ct);
        }
        LogGaveUp(shardId);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shard {Shard} cannot hand its leadership to this silo yet ({Reason})")]
    private partial void LogNotYet(ulong shard, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {Shard}'s leadership did not come to this silo, its first replica; leaving it where it is")]
    private partial void LogGaveUp(ulong shard);
}
