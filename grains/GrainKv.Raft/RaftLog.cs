namespace GrainKv.Raft;

/// <summary>
/// The node's in-memory copy of its log: a snapshot point, the entries after it, and how far they
/// are committed, handed to storage and known durable. Storage holds the same entries; this copy
/// lets the node answer without I/O.
/// </summary>
internal sealed class RaftLog
{
    private readonly List<Entry> _entries = [];
    private ulong _snapshotIndex;
    private ulong _snapshotTerm;

    /// <summary>A snapshot restored from the leader that storage does not hold yet (0 when none).</summary>
    private ulong _unpersistedSnapshotIndex;

    public RaftLog(SnapshotMetadata? snapshot, IReadOnlyList<Entry> stored, ulong commit)
    {
        _snapshotIndex = snapshot?.Index ?? 0;
        _snapshotTerm = snapshot?.Term ?? 0;
        foreach (var entry in stored)
        {
            Invariant.Check(entry.Index == LastIndex + 1, $"stored entry {entry.Index} does not follow {LastIndex}");
            _entries.Add(entry);
        }
        Invariant.Check(commit <= LastIndex, $"stored commit {commit} is past the last stored entry {LastIndex}");
        Commit = Math.Max(commit, _snapshotIndex);
        PersistedIndex = LastIndex;
        UnpersistedFrom = LastIndex + 1;
    }

    public ulong SnapshotIndex => _snapshotIndex;

    public ulong FirstIndex => _snapshotIndex + 1;

    public ulong LastIndex => _snapshotIndex + (ulong)_entries.Count;

    public ulong LastTerm => Term(LastIndex)!.Value;

    public ulong Commit { get; private set; }

    /// <summary>Every entry through this index is durable in storage.</summary>
    public ulong PersistedIndex { get; private set; }

    /// <summary>Entries from this index on have not been handed to storage yet.</summary>
    public ulong UnpersistedFrom { get; private set; }

    /// <summary>The term of the entry at <paramref name="index"/>; null when compacted or not yet in the log.</summary>
    public ulong? Term(ulong index)
    {
        if (index == _snapshotIndex) return _snapshotTerm;
        if (index < _snapshotIndex || index > LastIndex) return null;
        return _entries[(int)(index - FirstIndex)].Term;
    }

    public bool MatchTerm(ulong index, ulong term) => Term(index) == term;

    public Entry At(ulong index) => _entries[(int)(index - FirstIndex)];

    /// <summary>Raft paper 5.4.1: a candidate's log at least as up to date as ours earns our vote.</summary>
    public bool IsUpToDate(ulong lastIndex, ulong lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    /// <summary>Entries [<paramref name="from"/>, <paramref name="to"/>], stopping at the byte limit after at least one entry.</summary>
    public List<Entry> Slice(ulong from, ulong to, long maxBytes)
    {
        Invariant.Check(from >= FirstIndex && to <= LastIndex, $"slice [{from},{to}] outside the log [{FirstIndex},{LastIndex}]");
        var slice = new List<Entry>();
        long bytes = 0;
        for (var index = from; index <= to; index++)
        {
            var entry = At(index);
            bytes += entry.CalculateSize();
            if (slice.Count > 0 && bytes > maxBytes) break;
            slice.Add(entry);
        }
        return slice;
    }

    /// <summary>The leader's own appends.</summary>
    public void Append(Entry entry)
    {
        Invariant.Check(entry.Index == LastIndex + 1, $"appended entry {entry.Index} does not follow {LastIndex}");
        _entries.Add(entry);
    }

    /// <summary>
    /// A follower takes the leader's entries after (<paramref name="prevIndex"/>, <paramref name="prevTerm"/>).
    /// Returns the last index now known to match the leader, or null when the log does not contain
    /// the previous entry (the leader must go further back).
    /// </summary>
    public ulong? TryAppend(ulong prevIndex, ulong prevTerm, IReadOnlyList<Entry> entries)
    {
        if (!MatchTerm(prevIndex, prevTerm)) return null;
        var lastNew = prevIndex + (ulong)entries.Count;
        foreach (var entry in entries)
        {
            // Entries below the snapshot are committed and therefore identical: skip them.
            if (entry.Index <= _snapshotIndex) continue;
            if (entry.Index <= LastIndex)
            {
                if (At(entry.Index).Term == entry.Term) continue;
                Invariant.Check(entry.Index > Commit, $"a conflicting entry {entry.Index} would overwrite committed entries through {Commit}");
                TruncateFrom(entry.Index);
            }
            _entries.Add(entry);
        }
        return lastNew;
    }

    /// <summary>
    /// For a rejected append at <paramref name="index"/> with <paramref name="term"/>: the largest index
    /// at or below it whose term is at most <paramref name="term"/>. Everything above cannot match,
    /// so whole terms are skipped per round trip instead of one entry (thesis 5.3 optimisation).
    /// </summary>
    public ulong FindConflictByTerm(ulong index, ulong term)
    {
        index = Math.Min(index, LastIndex);
        while (index > _snapshotIndex && Term(index) > term) index--;
        return index;
    }

    public void CommitTo(ulong index)
    {
        if (index <= Commit) return;
        Invariant.Check(index <= LastIndex, $"commit {index} is past the last entry {LastIndex}");
        Commit = index;
    }

    /// <summary>Entries from <see cref="UnpersistedFrom"/> on, now handed to storage.</summary>
    public List<Entry> TakeUnpersisted()
    {
        var entries = UnpersistedFrom <= LastIndex ? Slice(UnpersistedFrom, LastIndex, long.MaxValue) : [];
        UnpersistedFrom = LastIndex + 1;
        return entries;
    }

    /// <summary>Storage wrote entries through <paramref name="lastIndex"/>, except what was truncated since.</summary>
    public void MarkPersisted(ulong lastIndex)
    {
        var durable = Math.Min(lastIndex, UnpersistedFrom - 1);
        if (_unpersistedSnapshotIndex != 0) durable = Math.Min(durable, _unpersistedSnapshotIndex - 1);
        PersistedIndex = Math.Max(PersistedIndex, durable);
    }

    /// <summary>Replace the whole log by a snapshot the leader sent.</summary>
    public void Restore(SnapshotMetadata snapshot)
    {
        Invariant.Check(snapshot.Index > Commit, $"snapshot {snapshot.Index} would roll back commit {Commit}");
        _entries.Clear();
        _snapshotIndex = snapshot.Index;
        _snapshotTerm = snapshot.Term;
        Commit = snapshot.Index;
        // Durable only once the shell persisted the snapshot; nothing after it is stored any more.
        PersistedIndex = Math.Min(PersistedIndex, snapshot.Index - 1);
        UnpersistedFrom = snapshot.Index + 1;
        _unpersistedSnapshotIndex = snapshot.Index;
    }

    /// <summary>Storage holds the snapshot just restored.</summary>
    public void MarkSnapshotPersisted(ulong snapshotIndex)
    {
        if (snapshotIndex != _unpersistedSnapshotIndex) return;
        _unpersistedSnapshotIndex = 0;
        PersistedIndex = Math.Max(PersistedIndex, snapshotIndex);
    }

    /// <summary>Drop entries through <paramref name="index"/>: a snapshot covers them.</summary>
    public void CompactThrough(ulong index)
    {
        if (index <= _snapshotIndex) return;
        Invariant.Check(index <= PersistedIndex && index <= Commit, $"compaction through {index} passes commit {Commit} or durable {PersistedIndex}");
        _snapshotTerm = Term(index)!.Value;
        _entries.RemoveRange(0, (int)(index - _snapshotIndex));
        _snapshotIndex = index;
    }

    private void TruncateFrom(ulong index)
    {
        _entries.RemoveRange((int)(index - FirstIndex), (int)(LastIndex - index + 1));
        UnpersistedFrom = Math.Min(UnpersistedFrom, index);
        PersistedIndex = Math.Min(PersistedIndex, index - 1);
    }
}
