using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;
using GrainKv.Runtime;
using GrainKv.Shard;
using GrainKv.Storage;

namespace GrainKv.Grains.Replication;

/// <summary>
/// The shell of one Raft peer of a shard, started on activation by <see cref="ReplicaStarter"/> (which fences out
/// any stale activation). Calls interleave: the core's own gate orders them against the driver.
/// </summary>
[KeepAlive]
[Reentrant]
public sealed class ReplicaGrain(ReplicaStarter starter, ReplicaDriver driver, ShardMap map, IRaftLogStore store, IDatabaseSize databaseSize)
    : Grain, IReplicaGrain
{
    private ReplicaCore? _core;

    private ReplicaCore Core => _core ?? throw new InvalidOperationException("The replica is not active.");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = ReplicaKey.Parse(GrainId.Key);
        _core = await starter.StartAsync(key.ShardId, map[key.ShardId].Replicas, cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_core is not null) driver.Unregister(_core);
        return Task.CompletedTask;
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
