using GrainKv.Shard;

namespace GrainKv.Grains;

/// <summary>
/// A shard's front door, keyed by shard id: takes proposals and reads and hands them to the
/// replica that leads the shard's Raft group.
/// </summary>
[Alias("grainkv.RaftGroup")]
public interface IRaftGroupGrain : IGrainWithIntegerKey
{
    [Alias("Propose")]
    Task<ShardReply> Propose(ShardCommand command);

    [Alias("Read")]
    Task<ShardReply> Read(ShardRead read);

    [Alias("GetStatus")]
    Task<ShardStatus> GetStatus();

    /// <summary>Asks this silo's replica, which must lead the group, to hand leadership to <paramref name="targetId"/>.</summary>
    [Alias("TransferLeadership")]
    Task<ShardReply> TransferLeadership(ulong targetId);
}
