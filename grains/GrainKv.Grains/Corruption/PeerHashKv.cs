using GrainKv.Shard;

namespace GrainKv.Grains.Corruption;

/// <summary>What one peer replica answered when asked for its HashKV at the leader's revision.</summary>
public sealed record PeerHashKv
{
    private PeerHashKv(ulong memberId, KvHash? hash, PeerHashSkip unanswered)
    {
        MemberId = memberId;
        Hash = hash;
        Unanswered = unanswered;
    }

    public ulong MemberId { get; }

    /// <summary>Its answer; null when it gave none, for <see cref="Unanswered"/>.</summary>
    public KvHash? Hash { get; }

    public PeerHashSkip Unanswered { get; }

    public static PeerHashKv NoAnswer(ulong memberId) => new(memberId, null, PeerHashSkip.NoAnswer);

    /// <summary>A replica's reply to a HashKV read: a hash, or the MVCC error that says why there is none.</summary>
    public static PeerHashKv Of(ulong memberId, ShardReply reply) => reply.Error switch
    {
        ShardError.None => new(memberId, KvHash.Of(reply.HashKv), PeerHashSkip.NoAnswer),
        ShardError.FutureRevision => new(memberId, null, PeerHashSkip.FutureRevision),
        ShardError.Compacted => new(memberId, null, PeerHashSkip.Compacted),
        _ => NoAnswer(memberId),
    };
}
