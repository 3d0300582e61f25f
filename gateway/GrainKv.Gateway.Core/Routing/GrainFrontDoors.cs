using GrainKv.Grains;
using GrainKv.Grains.Replication;
using GrainKv.Shard;
using Orleans;

namespace GrainKv.Gateway.Routing;

/// <summary>The shards' front doors as an Orleans client reaches them: the <see cref="IRaftGroupGrain"/> of each shard.</summary>
public sealed class GrainFrontDoors(IGrainFactory grains) : IShardFrontDoors
{
    public IShardFrontDoor For(ulong shardId) => new GrainFrontDoor(grains.GetGrain<IRaftGroupGrain>((long)shardId));

    private sealed class GrainFrontDoor(IRaftGroupGrain group) : IShardFrontDoor
    {
        public Task<ShardReply> Propose(ShardCommand command) => group.Propose(command);

        public Task<ShardReply> Read(ShardRead read) => group.Read(read);

        public Task<ShardStatus> GetStatus() => group.GetStatus();

        public Task<ShardReply> TransferLeadership(ulong targetId) => group.TransferLeadership(targetId);
    }
}
