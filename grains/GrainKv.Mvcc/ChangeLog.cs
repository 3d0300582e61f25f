using System.Runtime.InteropServices;
using Mvccpb;

namespace GrainKv.Mvcc;

/// <summary>One change in the store's history: a put (with its KeyValue) or a delete of a key.</summary>
internal readonly record struct Change(Revision Revision, KeyHistory History, KeyValue? Put);

/// <summary>
/// Every retained change with main revision ≥ the compact revision, in (main, sub) order, so a watcher
/// can replay "all changes from revision R" with one binary search.
/// </summary>
internal sealed class ChangeLog
{
    private readonly List<Change> _changes = [];

    public ReadOnlySpan<Change> Changes => CollectionsMarshal.AsSpan(_changes);

    public void Append(Change change)
    {
        Invariant.Check(_changes.Count == 0 || _changes[^1].Revision < change.Revision, "change log must grow in revision order");
        _changes.Add(change);
    }

    /// <summary>Index of the first change with main revision ≥ <paramref name="mainRevision"/>.</summary>
    public int IndexOf(long mainRevision)
    {
        var changes = Changes;
        int low = 0, high = changes.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (changes[mid].Revision.Main < mainRevision)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    /// <summary>
    /// Keeps the changes compaction at <paramref name="compactRevision"/> retained: all later ones, and
    /// those at exactly that revision that their key's history still holds.
    /// </summary>
    public void Compact(long compactRevision)
    {
        var firstAtCompact = IndexOf(compactRevision);
        var firstAfterCompact = IndexOf(compactRevision + 1);
        var kept = 0;
        for (var i = firstAtCompact; i < firstAfterCompact; i++)
        {
            var change = _changes[i];
            if (change.History.Contains(change.Revision))
            {
                _changes[firstAtCompact + kept++] = change;
            }
        }
        _changes.RemoveRange(firstAtCompact + kept, firstAfterCompact - firstAtCompact - kept);
        _changes.RemoveRange(0, firstAtCompact);
    }
}
