using GrainKv.Shard;

namespace GrainKv.Grains;

/// <summary>
/// One Raft peer of one shard, keyed "shardId/replicaId" (<see cref="ReplicaKey"/>), pinned to the
/// silo the shard map names and never deactivated for idleness.
/// </summary>
[Alias("grainkv.Replica")]
public interface IReplicaGrain : IGrainWithStringKey
{
    [Alias("Propose")]
    Task<ShardReply> Propose(ShardCommand command);

    [Alias("Read")]
    Task<ShardReply> Read(ShardRead read);

    /// <summary>
    /// Answers in this replica's member's name what the group's leader served, once this replica has applied
    /// through <see cref="ShardReply.AppliedIndex"/>.
    /// </summary>
    [Alias("AnswerWhenApplied")]
    Task<ShardReply> AnswerWhenApplied(ShardReply served);

    [Alias("GetStatus")]
    Task<ShardStatus> GetStatus();

    /// <summary>Asks this replica, which must lead its group, to hand leadership to <paramref name="targetId"/>.</summary>
    [Alias("TransferLeadership")]
    Task<ShardReply> TransferLeadership(ulong targetId);

    /// <summary>
    /// The leader this replica knows once it knows one that is not <paramref name="stale"/> or is <paramref name="stale"/>
    /// again in a later term (0: any leader): at once, or when it learns of one.
    /// </summary>
    [Alias("WaitForLeader")]
    Task<ulong> WaitForLeader(ulong stale);

    /// <summary>This replica's applied state as its Raft snapshots write it, at one applied index.</summary>
    [Alias("TakeImage")]
    Task<ReplicaImage> TakeImage();

    /// <summary>The CRC-32 of the state <see cref="TakeImage"/> would carry, without copying it.</summary>
    [Alias("Hash")]
    Task<ReplicaHash> Hash();

    /// <summary>Frees the space the silo's log store no longer uses (what that means is the store's to say).</summary>
    [Alias("Defragment")]
    Task Defragment();
}
