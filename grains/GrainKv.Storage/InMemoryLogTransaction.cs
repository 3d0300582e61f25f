using GrainKv.Raft;

namespace GrainKv.Storage;

/// <summary>
/// Stages a save on copies of the touched groups; <see cref="Commit"/> publishes them all at once, so a save that
/// throws leaves the committed groups exactly as they were.
/// </summary>
internal sealed class InMemoryLogTransaction(Dictionary<ulong, InMemoryGroupRecord> committed) : ILogWriteTransaction
{
    private readonly Dictionary<ulong, InMemoryGroupRecord> _staged = [];

    public void Commit()
    {
        foreach (var (groupId, record) in _staged) committed[groupId] = record;
    }

    public ulong Generation(ulong groupId) => Read(groupId)?.Generation ?? 0;

    public ulong? EntryTerm(ulong groupId, ulong index)
    {
        if (Read(groupId) is not { } record) return null;
        var position = record.FirstPositionAtOrAfter(index);
        return position < record.Entries.Count && record.Entries[position].Index == index ? record.Entries[position].Term : null;
    }

    public SnapshotMetadata? SnapshotPosition(ulong groupId) =>
        Read(groupId)?.Snapshot?.Metadata is { } metadata ? new SnapshotMetadata { Index = metadata.Index, Term = metadata.Term } : null;

    public void ReplaceSnapshot(ulong groupId, Snapshot snapshot)
    {
        var record = Stage(groupId);
        record.Snapshot = snapshot.Clone();
        record.StagedData.Clear();
    }

    public void AdoptStagedSnapshot(ulong groupId, ulong generation, StagedSnapshot staged)
    {
        var record = Stage(groupId);
        var found = record.StagedData.TryGetValue((generation, staged.Metadata.Index), out var data);
        SnapshotChunks.EnsureAllStaged(groupId, generation, staged, found ? staged.Chunks : 0);
        record.Snapshot = new Snapshot { Metadata = staged.Metadata.Clone(), Data = data! };
        record.StagedData.Clear();
    }

    public void DeleteAllEntries(ulong groupId) => Stage(groupId).Entries.Clear();

    public void DeleteEntriesFrom(ulong groupId, ulong index)
    {
        var record = Stage(groupId);
        var position = record.FirstPositionAtOrAfter(index);
        record.Entries.RemoveRange(position, record.Entries.Count - position);
    }

    public void InsertEntries(ulong groupId, IReadOnlyList<Entry> entries)
    {
        var stored = Stage(groupId).Entries;
        if (stored.Count > 0 && entries.Count > 0 && stored[^1].Index >= entries[0].Index)
        {
            throw new InvalidOperationException($"Group {groupId}: entries inserted at {entries[0].Index} without deleting the suffix first.");
        }
        foreach (var entry in entries) stored.Add(entry.Clone());
    }

    public void DeleteEntriesThrough(ulong groupId, ulong index)
    {
        var record = Stage(groupId);
        record.Entries.RemoveRange(0, record.FirstPositionAtOrAfter(index + 1));
    }

    public void UpdateHardState(ulong groupId, HardState hardState) => Stage(groupId).HardState = hardState.Clone();

    public void UpdateConfState(ulong groupId, ConfState confState) => Stage(groupId).ConfState = confState.Clone();

    private InMemoryGroupRecord? Read(ulong groupId) =>
        _staged.TryGetValue(groupId, out var staged) ? staged : committed.GetValueOrDefault(groupId);

    private InMemoryGroupRecord Stage(ulong groupId)
    {
        if (_staged.TryGetValue(groupId, out var staged)) return staged;
        // Writes reach only groups that passed the generation check, so the committed record exists.
        staged = committed[groupId].Copy();
        _staged.Add(groupId, staged);
        return staged;
    }
}
