using GrainKv.Raft;

namespace GrainKv.Storage;

/// <summary>
/// The primitive operations of one open store transaction. <see cref="GroupWriteApplier"/> composes them into
/// the semantics of a <see cref="GroupWrite"/>, so every store implements storage, not Raft rules.
/// </summary>
internal interface ILogWriteTransaction
{
    /// <summary>The group's claimed generation, 0 when none was ever claimed.</summary>
    ulong Generation(ulong groupId);

    ulong? EntryTerm(ulong groupId, ulong index);

    /// <summary>Index and term of the stored snapshot (no configuration), or null.</summary>
    SnapshotMetadata? SnapshotPosition(ulong groupId);

    /// <summary>Stores <paramref name="snapshot"/>, data and all, as the group's snapshot; deletes every staged one.</summary>
    void ReplaceSnapshot(ulong groupId, Snapshot snapshot);

    /// <summary>
    /// Makes the snapshot staged with <paramref name="generation"/> the group's snapshot; deletes every other staged one.
    /// Throws <see cref="StagedSnapshotMissingException"/> when not all of its data is staged.
    /// </summary>
    void AdoptStagedSnapshot(ulong groupId, ulong generation, StagedSnapshot staged);

    void DeleteAllEntries(ulong groupId);

    void DeleteEntriesFrom(ulong groupId, ulong index);

    /// <summary>Inserts entries whose indexes are free (the caller deleted them first).</summary>
    void InsertEntries(ulong groupId, IReadOnlyList<Entry> entries);

    void DeleteEntriesThrough(ulong groupId, ulong index);

    /// <summary>Only called for a group with a claimed generation, so its state row exists.</summary>
    void UpdateHardState(ulong groupId, HardState hardState);

    /// <summary>Only called for a group with a claimed generation, so its state row exists.</summary>
    void UpdateConfState(ulong groupId, ConfState confState);
}
