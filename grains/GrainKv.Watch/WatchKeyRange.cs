using Google.Protobuf;

namespace GrainKv.Watch;

/// <summary>
/// The keys a watcher selects, after etcd's watch normalisation (etcd-api.md §4.1): an empty key is "\0"
/// (the smallest key), an empty end is the single key, the end "\0" is every key ≥ key, any other end
/// is [key, end) in unsigned byte order and must lie after the key.
/// </summary>
internal readonly struct WatchKeyRange
{
    private readonly ByteString _key;
    private readonly ByteString? _end;
    private readonly bool _isSingleKey;

    private WatchKeyRange(ByteString key, ByteString? end, bool isSingleKey)
    {
        _key = key;
        _end = end;
        _isSingleKey = isSingleKey;
    }

    private static readonly ByteString SmallestKey = ByteString.CopyFrom(0);

    /// <summary>The normalised range, or null when a bounded end does not lie after the key.</summary>
    public static WatchKeyRange? Of(ByteString key, ByteString rangeEnd)
    {
        if (key.Length == 0)
        {
            key = SmallestKey;
        }
        if (rangeEnd.Length == 0)
        {
            return new WatchKeyRange(key, end: null, isSingleKey: true);
        }
        if (rangeEnd.Length == 1 && rangeEnd[0] == 0)
        {
            return new WatchKeyRange(key, end: null, isSingleKey: false);
        }
        return key.Span.SequenceCompareTo(rangeEnd.Span) < 0 ? new WatchKeyRange(key, rangeEnd, isSingleKey: false) : null;
    }

    public bool Contains(ByteString key)
    {
        if (_isSingleKey)
        {
            return key.Span.SequenceEqual(_key.Span);
        }
        return key.Span.SequenceCompareTo(_key.Span) >= 0 && (_end is null || key.Span.SequenceCompareTo(_end.Span) < 0);
    }
}
