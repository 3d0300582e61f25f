using GrainKv.Runtime;
using GrainKv.Shard;

namespace GrainKv.Grains.Replication;

/// <summary>
/// A shard's front door: hands proposals and reads to the replica that leads the group. With one
/// replica per shard that is always the local one; multi-silo groups follow the leader here.
/// </summary>
[Reentrant]
public sealed class RaftGroupGrain : Grain, IRaftGroupGrain
{
    private readonly ClusterIdentity _identity;
    private IReplicaGrain? _leader;

    public RaftGroupGrain(ClusterIdentity identity)
    {
        _identity = identity;
    }

    private IReplicaGrain Leader => _leader ??=
        GrainFactory.GetGrain<IReplicaGrain>(new ReplicaKey((ulong)GrainId.GetIntegerKey(), _identity.MemberId).ToString());

    public Task<ShardReply> Propose(ShardCommand command) => Leader.Propose(command);

    public Task<ShardReply> Read(ShardRead read) => Leader.Read(read);

    public Task<ShardStatus> GetStatus() => Leader.GetStatus();
}
