using GrainKv.Grains.Placement;
using GrainKv.Shard;
using Orleans.Concurrency;
using Orleans.GrainDirectory;

namespace GrainKv.Grains.Replication;

/// <summary>
/// A shard's front door as Orleans clients reach it: one activation per silo, on the silo that calls it (a client's
/// calls: on the gateway silo they reach), passing each call to that silo's <see cref="ShardFrontDoor"/>; it only
/// forwards, so calls interleave.
/// </summary>
[StatelessWorker(1)]
[GrainDirectory(ComputedGrainDirectory.Name)]
[Reentrant]
[GrainType("grainkv.raftgroup")]
public sealed class RaftGroupGrain(SiloFrontDoors frontDoors) : Grain, IRaftGroupGrain
{
    private IShardFrontDoor FrontDoor => frontDoors.For((ulong)this.GetPrimaryKeyLong());

    public Task<ShardReply> Propose(ShardCommand command) => FrontDoor.Propose(command);

    public Task<ShardReply> Read(ShardRead read) => FrontDoor.Read(read);

    public Task<ShardStatus> GetStatus() => FrontDoor.GetStatus();

    public Task<ShardReply> TransferLeadership(ulong targetId) => FrontDoor.TransferLeadership(targetId);
}
