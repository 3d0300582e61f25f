using System.Collections.Concurrent;

namespace GrainKv.Gateway.Routing;

/// <summary>
/// The member that last answered as each shard's leader: a write's or linearizable read's reply names the leader
/// that served it (ShardReply.leader_id). A stand-alone gateway places a shard's front door on that member's silo, saving a hop; a
/// stale entry only costs the hop back.
/// </summary>
public sealed class ShardLeaders
{
    private readonly ConcurrentDictionary<ulong, ulong> _leaders = new();

    public void Observe(ulong shardId, ulong memberId)
    {
        // Read first: the leader rarely changes, and a write on every reply would contend.
        if (memberId != 0 && LeaderOf(shardId) != memberId) _leaders[shardId] = memberId;
    }

    /// <summary>The shard's leader as last seen, 0 when none was seen yet.</summary>
    public ulong LeaderOf(ulong shardId) => _leaders.TryGetValue(shardId, out var memberId) ? memberId : 0;
}
