namespace GrainKv.Grains.Sharding;

/// <summary>
/// The keys [Start, End) that one shard owns, by unsigned byte order (an empty End means "to the
/// end of the key space"), and the members that hold its replicas.
/// </summary>
public sealed record ShardRange(ulong ShardId, byte[] Start, byte[] End, IReadOnlyList<ulong> Replicas)
{
    public bool Contains(ReadOnlySpan<byte> key) =>
        key.SequenceCompareTo(Start) >= 0 && (End.Length == 0 || key.SequenceCompareTo(End) < 0);
}
