using Google.Protobuf;

namespace GrainKv.Mvcc;

/// <summary>
/// The keys a (key, range_end) pair selects (etcd-api.md §3.2): an empty end is the single key,
/// the one byte "\0" is every key ≥ key, any other end is [key, end) in unsigned byte order.
/// </summary>
internal readonly struct KeyRange
{
    private KeyRange(ByteString key, ByteString? end, bool isSingleKey)
    {
        Key = key;
        End = end;
        IsSingleKey = isSingleKey;
    }

    public ByteString Key { get; }

    /// <summary>Exclusive upper bound; null when the range is unbounded or a single key.</summary>
    public ByteString? End { get; }

    public bool IsSingleKey { get; }

    public static KeyRange Of(ByteString key, ByteString rangeEnd)
    {
        if (rangeEnd.Length == 0)
        {
            return new KeyRange(key, null, isSingleKey: true);
        }
        return IsFromKeyMarker(rangeEnd) ? new KeyRange(key, null, isSingleKey: false) : new KeyRange(key, rangeEnd, isSingleKey: false);
    }

    public static bool IsFromKeyMarker(ByteString rangeEnd) => rangeEnd.Length == 1 && rangeEnd[0] == 0;

    /// <summary>True while a key at or after <see cref="Key"/> is still inside the range.</summary>
    public bool IsBeforeEnd(ReadOnlySpan<byte> key) => End is null || key.SequenceCompareTo(End.Span) < 0;
}
