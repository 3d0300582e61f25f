using GrainKv.Raft;

namespace GrainKv.Storage;

/// <summary>Applies a <see cref="GroupWrite"/> inside an open transaction, in the order its documentation gives.</summary>
internal static class GroupWriteApplier
{
    /// <summary>
    /// Checks every write before touching anything, so a malformed batch fails without opening a transaction.
    /// </summary>
    public static void EnsureWellFormed(IReadOnlyList<GroupWrite> writes)
    {
        foreach (var write in writes) write.EnsureWellFormed();
    }

    /// <summary>Throws <see cref="FencedWriteException"/> before changing anything of the group.</summary>
    public static void Apply(ILogWriteTransaction transaction, GroupWrite write)
    {
        var groupId = write.GroupId;
        var current = transaction.Generation(groupId);
        if (current == 0 || current != write.Generation)
        {
            throw new FencedWriteException(groupId, write.Generation, current);
        }

        if (write.Snapshot is { } snapshot)
        {
            KeepOnlyATailThatContinues(transaction, groupId, snapshot.Metadata);
            transaction.ReplaceSnapshot(groupId, snapshot);
        }
        if (write.StagedSnapshot is { } staged)
        {
            KeepOnlyATailThatContinues(transaction, groupId, staged.Metadata);
            transaction.AdoptStagedSnapshot(groupId, write.Generation, staged);
        }
        if (write.Entries.Count > 0)
        {
            transaction.DeleteEntriesFrom(groupId, write.Entries[0].Index);
            transaction.InsertEntries(groupId, write.Entries);
        }
        if (write.CompactThrough is { } compactThrough)
        {
            transaction.DeleteEntriesThrough(groupId, compactThrough);
        }
        if (write.HardState is { } hardState)
        {
            transaction.UpdateHardState(groupId, hardState);
        }
        if (write.ConfState is { } confState)
        {
            transaction.UpdateConfState(groupId, confState);
        }
    }

    private static void KeepOnlyATailThatContinues(ILogWriteTransaction transaction, ulong groupId, SnapshotMetadata incoming)
    {
        if (!TailContinues(incoming, transaction.EntryTerm(groupId, incoming.Index), transaction.SnapshotPosition(groupId)))
        {
            transaction.DeleteAllEntries(groupId);
        }
    }

    /// <summary>
    /// A stored log tail may stay behind a new snapshot only if it continues it: the log holds the snapshot's last
    /// entry, or the same snapshot is already stored (its entry may have been compacted away). Otherwise Load would
    /// return a log whose terms go backwards after the snapshot, and a restarted replica could vote on it.
    /// </summary>
    private static bool TailContinues(SnapshotMetadata incoming, ulong? storedTermAtIndex, SnapshotMetadata? storedSnapshot) =>
        storedTermAtIndex == incoming.Term
        || (storedSnapshot is not null && storedSnapshot.Index == incoming.Index && storedSnapshot.Term == incoming.Term);
}
