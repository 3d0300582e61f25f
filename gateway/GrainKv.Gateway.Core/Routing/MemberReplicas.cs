using GrainKv.Grains;
using GrainKv.Shard;
using Orleans;

namespace GrainKv.Gateway.Routing;

/// <summary>
/// The replicas of the member that answers member-wide maintenance calls (Snapshot, Hash, Defragment): the member
/// whose replica answers Status, so this silo itself, or for a stand-alone gateway the silo it relays to, as etcd's
/// gRPC proxy relays these calls to its endpoint.
/// </summary>
public sealed class MemberReplicas
{
    private readonly ShardClient _shards;
    private readonly IGrainFactory _grains;

    public MemberReplicas(ShardClient shards, IGrainFactory grains)
    {
        _shards = shards;
        _grains = grains;
    }

    /// <summary>
    /// The answering member's status of the first shard (its <see cref="ShardStatus.ReplicaId"/> is the member id)
    /// and its replicas, one per shard it holds, in shard-map order. Every member holds the first shard.
    /// </summary>
    public async Task<(ShardStatus Status, IReadOnlyList<(ulong ShardId, IReplicaGrain Replica)> Replicas)> FindAsync(CancellationToken ct)
    {
        var status = await _shards.StatusAsync(_shards.Map.ClusterStateShard, ct);
        var memberId = status.ReplicaId;
        var replicas = _shards.Map.Ranges
            .Where(range => range.Replicas.Contains(memberId))
            .Select(range => (range.ShardId, _grains.GetGrain<IReplicaGrain>(new ReplicaKey(range.ShardId, memberId).ToString())))
            .ToList();
        return (status, replicas);
    }
}
