using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;
using GrainKv.Shard;

namespace GrainKv.Grains.Replication;

/// <summary>
/// A shard's front door on this silo: hands proposals and linearizable reads to the replica that leads the group,
/// wherever it is, following leader changes, and answers them through this silo's own replica; serves serializable
/// reads from the nearest replica. Leadership is learned from the nearest replica, which tells when it knows a leader,
/// and from the leader a refusing replica names. One per shard on each silo (<see cref="SiloFrontDoors"/>); it only
/// forwards, so calls run concurrently.
/// </summary>
public sealed class ShardFrontDoor : IShardFrontDoor
{
    private readonly ulong _shardId;
    private readonly IGrainFactory _grains;
    private readonly ClusterIdentity _identity;
    private readonly ShardMap _map;
    private readonly BackendQuota _quota;
    private readonly IShardFrontDoors _frontDoors;
    private readonly LeaderFollower _leader;

    public ShardFrontDoor(ulong shardId, IGrainFactory grains, ClusterIdentity identity, ShardMap map, BackendQuota quota, IShardFrontDoors frontDoors)
    {
        _shardId = shardId;
        _grains = grains;
        _identity = identity;
        _map = map;
        _quota = quota;
        _frontDoors = frontDoors;
        _leader = new LeaderFollower(stale => Nearest.WaitForLeader(stale));
    }

    private IReplicaGrain Replica(ulong replicaId) =>
        _grains.GetGrain<IReplicaGrain>(new ReplicaKey(_shardId, replicaId).ToString());

    private bool HoldsReplica => _map[_shardId].Replicas.Contains(_identity.MemberId);

    /// <summary>This silo's replica of the shard if it has one, else the first named.</summary>
    private IReplicaGrain Nearest => Replica(HoldsReplica ? _identity.MemberId : _map[_shardId].Replicas[0]);

    /// <summary>
    /// Proposes on the leader, unless the write needs space this silo has not got: then, as etcd, this member's NOSPACE
    /// alarm is raised and the write refused; from then on every replica refuses such writes at apply.
    /// </summary>
    public async Task<ShardReply> Propose(ShardCommand command)
    {
        if (_quota.AlarmToRaise(command) is not { } raise) return await AnswerHere(await _leader.CallAsync(leader => Replica(leader).Propose(command), idempotent: false));
        var raised = await _frontDoors.For(_map.ClusterStateShard).Propose(raise);
        return new ShardReply { Error = raised.Error is ShardError.None ? ShardError.NoSpace : raised.Error };
    }

    public async Task<ShardReply> Read(ShardRead read) =>
        read.Serializable ? await Nearest.Read(read) : await AnswerHere(await _leader.CallAsync(leader => Replica(leader).Read(read), idempotent: true));

    public Task<ShardStatus> GetStatus() => Nearest.GetStatus();

    public Task<ShardReply> TransferLeadership(ulong targetId) => Nearest.TransferLeadership(targetId);

    /// <summary>
    /// What the leader served, answered by this member: etcd answers a write or a linearizable read only once the
    /// member that took it has applied it, in that member's name and term, so this silo's replica answers once it has
    /// applied as far as the leader had. A silo without a replica of the shard passes the leader's answer on.
    /// </summary>
    private Task<ShardReply> AnswerHere(ShardReply served) =>
        served.Error is ShardError.None && served.LeaderId != _identity.MemberId && HoldsReplica
            ? Replica(_identity.MemberId).AnswerWhenApplied(served)
            : Task.FromResult(served);
}
