using GrainKv.Runtime;
using GrainKv.Shard;

namespace GrainKv.Grains;

/// <summary>
/// A shard's front door, keyed by shard id: takes proposals and reads and hands them to the
/// replica that leads the shard's Raft group.
/// </summary>
public interface IRaftGroupGrain : IGrainWithIntegerKey
{
    Task<ShardReply> Propose(ShardCommand command);

    Task<ShardReply> Read(ShardRead read);

    Task<ShardStatus> GetStatus();

    /// <summary>Asks this silo's replica, which must lead the group, to hand leadership to <paramref name="targetId"/>.</summary>
    Task<ShardReply> TransferLeadership(ulong targetId);
}
