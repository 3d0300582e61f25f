using Google.Protobuf;

namespace GrainKv.Leases;

/// <summary>One lease: replicated id, TTL and attached keys; the leader's volatile expiry beside them.</summary>
internal sealed class Lease(long id, long ttlSeconds)
{
    /// <summary>Expiry on a replica that is not the leader: never, until a promotion sets a real one.</summary>
    public const long NeverMs = long.MaxValue;

    public long Id { get; } = id;

    public long TtlSeconds { get; } = ttlSeconds;

    public SortedSet<ByteString> Keys { get; } = new(ByteStringOrder.Instance);

    public long ExpiryMs { get; set; } = NeverMs;

    /// <summary>
    /// When the leader next reports this lease as expired: its expiry at first, later than that while a
    /// revoke it reported is in flight.
    /// </summary>
    public long RevokeDueMs { get; set; } = NeverMs;

    public long TtlMs => TtlSeconds * 1000;
}
