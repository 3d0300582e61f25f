using GrainKv.Shard;

namespace GrainKv.Grains.Replication;

/// <summary>What a shard's front door takes: proposals, reads, status and leadership transfers (see <see cref="ShardFrontDoor"/>).</summary>
public interface IShardFrontDoor
{
    Task<ShardReply> Propose(ShardCommand command);

    Task<ShardReply> Read(ShardRead read);

    Task<ShardStatus> GetStatus();

    /// <summary>Asks this silo's replica, which must lead the group, to hand leadership to <paramref name="targetId"/>.</summary>
    Task<ShardReply> TransferLeadership(ulong targetId);
}

/// <summary>The front door of each shard, as a process reaches it.</summary>
public interface IShardFrontDoors
{
    IShardFrontDoor For(ulong shardId);
}
