using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;
using GrainKv.Shard;

namespace GrainKv.Grains.Replication;

/// <summary>
/// A shard's front door on this silo: hands proposals to this silo's replica, which forwards them to its leader, and
/// linearizable reads to the replica that leads the group, wherever it is, following leader changes, and answers both
/// through this silo's own replica; serves serializable reads from the nearest replica. Leadership is learned from the
/// nearest replica, which tells when it knows a leader, and from the leader a refusing replica names. One per shard on each silo (<see cref="SiloFrontDoors"/>); it only
/// forwards, so calls run concurrently. This silo's own replica, once its grain has started it, is called directly
/// rather than through a grain call to itself (which cost the put path 0.9x of its throughput).
/// </summary>
public sealed class ShardFrontDoor : IShardFrontDoor
{
    private readonly ulong _shardId;
    private readonly IGrainFactory _grains;
    private readonly ClusterIdentity _identity;
    private readonly ShardMap _map;
    private readonly BackendQuota _quota;
    private readonly IShardFrontDoors _frontDoors;
    private readonly ReplicaStarter _starter;
    private readonly ReplicaDriver _driver;
    private readonly LeaderFollower _leader;

    public ShardFrontDoor(ulong shardId, IGrainFactory grains, ClusterIdentity identity, ShardMap map, BackendQuota quota, IShardFrontDoors frontDoors,
        ReplicaStarter starter, ReplicaDriver driver)
    {
        _shardId = shardId;
        _grains = grains;
        _identity = identity;
        _map = map;
        _quota = quota;
        _frontDoors = frontDoors;
        _starter = starter;
        _driver = driver;
        _leader = new LeaderFollower(stale => Nearest.WaitForLeader(stale));
    }

    private IReplicaGrain Replica(ulong replicaId) =>
        _grains.GetGrain<IReplicaGrain>(new ReplicaKey(_shardId, replicaId).ToString());

    private bool HoldsReplica => _map[_shardId].Replicas.Contains(_identity.MemberId);

    /// <summary>The replica, if it is this silo's own and running.</summary>
    private ReplicaCore? Local(ulong replicaId) => replicaId == _identity.MemberId ? _starter.Running(_shardId) : null;

    private Task<ShardReply> ReadOn(ulong replicaId, ShardRead read) =>
        Local(replicaId) is { } core ? _driver.Read(core, read) : Replica(replicaId).Read(read);

    private ulong NearestId => HoldsReplica ? _identity.MemberId : _map[_shardId].Replicas[0];

    /// <summary>This silo's replica of the shard if it has one, else the first named.</summary>
    private IReplicaGrain Nearest => Replica(NearestId);

    /// <summary>
    /// Proposes through this silo's replica, which forwards the write to its leader when it follows one (as an etcd
    /// member does), or on the leader from a silo without a running replica; unless the write needs space this silo has
    /// not got: then, as etcd, this member's NOSPACE alarm is raised and the write refused; from then on every replica
    /// refuses such writes at apply.
    /// </summary>
    public Task<ShardReply> Propose(ShardCommand command)
    {
        if (_quota.AlarmToRaise(command) is { } raise) return RaiseAlarm(raise);
        return _map.HasSeveralShards ? ProposeStamped(command) : ProposeOnce(command);
    }

    private Task<ShardReply> ProposeOnce(ShardCommand command) =>
        Local(_identity.MemberId) is { } local ? ProposeHere(local, command) : ProposeThroughLeader(command);

    /// <summary>How often a write refused for a stale revision is proposed again: that takes a leader change in between.</summary>
    private const int StaleRevisionRetries = 3;

    /// <summary>
    /// With several shards the leader stamps each write with a revision from the oracle: one it stamped too late (a
    /// leader change in between) was not written, on any replica, and is proposed again.
    /// </summary>
    private async Task<ShardReply> ProposeStamped(ShardCommand command)
    {
        for (var attempt = 0; ; attempt++)
        {
            var reply = await ProposeOnce(command);
            if (reply.Error is not ShardError.StaleRevision || attempt == StaleRevisionRetries) return reply;
        }
    }

    /// <summary>The write is refused for lack of space, once the NOSPACE alarm it raises is replicated.</summary>
    private async Task<ShardReply> RaiseAlarm(ShardCommand raise)
    {
        var raised = await _frontDoors.For(_map.ClusterStateShard).Propose(raise);
        return new ShardReply { Error = raised.Error is ShardError.None ? ShardError.NoSpace : raised.Error };
    }

    private async Task<ShardReply> ProposeThroughLeader(ShardCommand command) =>
        await AnswerHere(await _leader.CallAsync(leader => Replica(leader).Propose(command), idempotent: false));

    /// <summary>
    /// A write through this silo's replica, answered by it once applied here. A replica that knows no leader (an
    /// election under way) refuses without proposing: it is asked once more when it knows one, within the time a call
    /// waits for a leader elsewhere, and "no leader" is the answer otherwise.
    /// </summary>
    private async Task<ShardReply> ProposeHere(ReplicaCore local, ShardCommand command)
    {
        var reply = await _driver.Propose(local, command);
        if (reply.Error is not ShardError.NotLeader) return reply;
        try
        {
            await local.WaitForLeader(stale: 0).WaitAsync(LeaderFollower.LeaderWait);
        }
        catch (TimeoutException)
        {
            return new ShardReply { Error = ShardError.NoLeader };
        }
        reply = await _driver.Propose(local, command);
        return reply.Error is ShardError.NotLeader ? new ShardReply { Error = ShardError.NoLeader } : reply;
    }

    public async Task<ShardReply> Read(ShardRead read) =>
        read.Serializable ? await ReadOn(NearestId, read) : await AnswerHere(await _leader.CallAsync(leader => ReadOn(leader, read), idempotent: true));

    public Task<ShardStatus> GetStatus() => Nearest.GetStatus();

    /// <summary>Asks the group's leader, wherever it is, to hand its leadership to <paramref name="targetId"/>.</summary>
    public Task<ShardReply> TransferLeadership(ulong targetId) =>
        _leader.CallAsync(leader => Replica(leader).TransferLeadership(targetId), idempotent: true);

    /// <summary>
    /// What the leader served, answered by this member: etcd answers a write or a linearizable read only once the
    /// member that took it has applied it, in that member's name and term, so this silo's replica answers once it has
    /// applied as far as the leader had. A silo without a replica of the shard passes the leader's answer on.
    /// </summary>
    private Task<ShardReply> AnswerHere(ShardReply served) =>
        served.Error is ShardError.None && served.LeaderId != _identity.MemberId && HoldsReplica
            ? Local(_identity.MemberId) is { } core ? core.AnswerWhenApplied(served) : Replica(_identity.MemberId).AnswerWhenApplied(served)
            : Task.FromResult(served);
}
