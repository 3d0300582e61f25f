using System.Runtime.InteropServices;
using Google.Protobuf;
using Mvccpb;

namespace GrainKv.Mvcc;

/// <summary>One retained change of a key: the stored KeyValue of a put, or a tombstone (null).</summary>
internal readonly record struct KeyVersion(Revision Revision, KeyValue? Put)
{
    public bool IsTombstone => Put is null;
}

/// <summary>
/// Every retained version of one key in revision order. A tombstone closes a generation; the next put
/// starts a new one (version 1, create_revision = its revision), which is what etcd's keyIndex
/// generations encode. The stored KeyValues are never handed out: callers get clones.
/// </summary>
internal sealed class KeyHistory(ByteString key)
{
    private readonly List<KeyVersion> _versions = new(2);

    public ByteString Key { get; } = key;

    public ReadOnlySpan<KeyVersion> Versions => CollectionsMarshal.AsSpan(_versions);

    public bool IsEmpty => _versions.Count == 0;

    /// <summary>The live KeyValue at the newest revision, including changes of a write in progress.</summary>
    public KeyValue? Latest => _versions.Count == 0 ? null : _versions[^1].Put;

    /// <summary>The KeyValue visible to a read at <paramref name="mainRevision"/>, or null if absent or deleted then.</summary>
    public KeyValue? At(long mainRevision)
    {
        var index = LastIndexAtOrBefore(mainRevision);
        return index < 0 ? null : _versions[index].Put;
    }

    public void Append(KeyVersion version)
    {
        Invariant.Check(_versions.Count == 0 || _versions[^1].Revision < version.Revision, "key history must grow in revision order");
        _versions.Add(version);
    }

    public bool Contains(Revision revision)
    {
        var index = LastIndexAtOrBefore(revision.Main);
        for (; index >= 0 && _versions[index].Revision.Main == revision.Main; index--)
        {
            if (_versions[index].Revision == revision)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Drops the versions no read at or after <paramref name="compactRevision"/> can see: everything
    /// before the newest version ≤ it, and that version too when it is a tombstone (etcd keyIndex.compact).
    /// </summary>
    public void Compact(long compactRevision)
    {
        var index = LastIndexAtOrBefore(compactRevision);
        if (index < 0)
        {
            return;
        }
        var removeCount = _versions[index].IsTombstone ? index + 1 : index;
        if (removeCount > 0)
        {
            _versions.RemoveRange(0, removeCount);
        }
    }

    private int LastIndexAtOrBefore(long mainRevision)
    {
        var versions = Versions;
        if (versions.Length == 0 || versions[^1].Revision.Main <= mainRevision)
        {
            return versions.Length - 1;
        }
        int low = 0, high = versions.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (versions[mid].Revision.Main <= mainRevision)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low - 1;
    }
}
