using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;
using GrainKv.Runtime;
using GrainKv.Runtime.Cluster;
using GrainKv.Shard;

namespace GrainKv.Grains.Replication;

/// <summary>
/// A shard's front door on this silo: hands proposals and linearizable reads to the replica that
/// leads the group, wherever it is, following leader changes, and answers them through this silo's
/// own replica; serves serializable reads from the nearest replica. Leadership is learned from the
/// nearest replica, which tells when it knows a leader, and from the leader a refusing replica names.
/// </summary>
[Reentrant]
public sealed class RaftGroupGrain : Grain, IRaftGroupGrain
{
    /// <summary>How long to look for a leader before answering "no leader" (etcd's clients retry that).</summary>
    private static readonly TimeSpan LeaderWait = TimeSpan.FromSeconds(5);

    private readonly ClusterIdentity _identity;
    private readonly ShardMap _map;
    private readonly BackendQuota _quota;
    private ulong _leaderId;

    public RaftGroupGrain(ClusterIdentity identity, ShardMap map, BackendQuota quota)
    {
        _identity = identity;
        _map = map;
        _quota = quota;
    }

    private ulong ShardId => (ulong)GrainId.GetIntegerKey();

    private IReplicaGrain Replica(ulong replicaId) =>
        GrainFactory.GetGrain<IReplicaGrain>(new ReplicaKey(ShardId, replicaId).ToString());

    private bool HoldsReplica => _map[ShardId].Replicas.Contains(_identity.MemberId);

    /// <summary>This silo's replica of the shard if it has one, else the first named.</summary>
    private IReplicaGrain Nearest => Replica(HoldsReplica ? _identity.MemberId : _map[ShardId].Replicas[0]);

    /// <summary>
    /// Proposes on the leader, unless the write needs space this silo has not got: then, as etcd, this member's NOSPACE
    /// alarm is raised and the write refused; from then on every replica refuses such writes at apply.
    /// </summary>
    public async Task<ShardReply> Propose(ShardCommand command)
    {
        if (_quota.AlarmToRaise(command) is not { } raise) return await AnswerHere(await OnLeader(leader => leader.Propose(command), idempotent: false));
        var raised = await GrainFactory.GetGrain<IRaftGroupGrain>((long)_map.ClusterStateShard).Propose(raise);
        return new ShardReply { Error = raised.Error is ShardError.None ? ShardError.NoSpace : raised.Error };
    }

    public async Task<ShardReply> Read(ShardRead read) =>
        read.Serializable ? await Nearest.Read(read) : await AnswerHere(await OnLeader(leader => leader.Read(read), idempotent: true));

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

    /// <summary>
    /// Calls the leader's replica, following leadership; the reply names the leader that served it. A replica that no
    /// longer leads answers with the leader it knows, which is tried next (once per call, so two stale replicas cannot
    /// send a call back and forth); otherwise this silo's nearest replica is asked to tell when it knows a leader other
    /// than the stale one. A call whose leader's silo dropped away may still have been proposed there, so only an
    /// idempotent call is sent again; a write's outcome is then unknown and answered as a timeout, as etcd answers a
    /// write lost with its leader. A call that could not even connect to that silo never left this one, so it waits
    /// for the next leader instead.
    /// </summary>
    private async Task<ShardReply> OnLeader(Func<IReplicaGrain, Task<ShardReply>> call, bool idempotent)
    {
        var deadline = DateTime.UtcNow + LeaderWait;
        ulong stale = 0;
        var hintFollowed = false;
        while (true)
        {
            if (_leaderId == 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return new ShardReply { Error = ShardError.NoLeader };
                try
                {
                    _leaderId = await Nearest.WaitForLeader(stale).WaitAsync(left);
                }
                catch (TimeoutException)
                {
                    return new ShardReply { Error = ShardError.NoLeader };
                }
            }
            var leaderId = _leaderId;
            try
            {
                var reply = await call(Replica(leaderId));
                if (reply.Error is not (ShardError.NotLeader or ShardError.NoLeader))
                {
                    reply.LeaderId = leaderId;
                    return reply;
                }
                var hint = reply.LeaderId;
                _leaderId = !hintFollowed && hint != leaderId ? hint : 0;
                hintFollowed |= hint != 0;
            }
            catch (SiloUnreachableException error)
            {
                // The leader's silo is gone; the survivors elect another and this silo's replica learns it.
                _leaderId = 0;
                if (!error.AllowsResend(idempotent)) return new ShardReply { Error = ShardError.Timeout };
            }
            stale = leaderId;
        }
    }
}
