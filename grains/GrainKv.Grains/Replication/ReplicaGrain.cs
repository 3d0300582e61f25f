using GrainKv.Grains.Cluster;
using GrainKv.Grains.Placement;
using GrainKv.Grains.Sharding;
using GrainKv.Shard;
using GrainKv.Storage;
using Orleans.Concurrency;
using Orleans.Placement;

namespace GrainKv.Grains.Replication;

/// <summary>
/// The shell of one Raft peer of a shard, started on first activation by <see cref="ReplicaStarter"/> (which fences
/// out any stale replica in another process) and running with the silo. It lives only on its member's silo, never
/// moves and is never deactivated for idleness; an activation anywhere else is refused. Calls interleave: the core's
/// own gate orders them against the driver.
/// </summary>
[PinnedToMember]
[Immovable]
[KeepAlive]
[Reentrant]
[GrainType("grainkv.replica")]
public sealed class ReplicaGrain(ReplicaStarter starter, ReplicaDriver driver, ShardMap map, IRaftLogStore store, IDatabaseSize databaseSize,
    PinnedActivationCheck pinned) : Grain, IReplicaGrain
{
    private ReplicaCore? _core;

    private ReplicaCore Core => _core ?? throw new InvalidOperationException("The replica is not active.");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        pinned.ThrowUnlessLocal(this.GetGrainId());
        var key = ReplicaKey.Parse(this.GetPrimaryKeyString());
        _core = await starter.GetOrStartAsync(key.ShardId, map[key.ShardId].Replicas, cancellationToken);
    }

    public Task<ShardReply> Propose(ShardCommand command) => driver.Propose(Core, command);

    public Task<ShardReply> Read(ShardRead read) => driver.Read(Core, read);

    public Task<ShardReply> AnswerWhenApplied(ShardReply served) => Core.AnswerWhenApplied(served);

    public Task<ulong> WaitForLeader(ulong stale) => Core.WaitForLeader(stale);

    public Task<ShardStatus> GetStatus()
    {
        var status = Core.GetStatus();
        status.DbSize = databaseSize.Bytes;
        return Task.FromResult(status);
    }

    public Task<ShardReply> TransferLeadership(ulong targetId)
    {
        var reply = Core.TransferLeadership(targetId);
        driver.WakeUp();
        return Task.FromResult(reply);
    }

    public Task<ReplicaImage> TakeImage() => Task.FromResult(Core.TakeImage());

    public Task<ReplicaHash> Hash() => Task.FromResult(Core.Hash());

    public Task Defragment() => store.DefragmentAsync(CancellationToken.None);
}
