namespace GrainKv.Grains.Replication;

/// <summary>
/// The stored log entries a replica's adopted snapshots made obsolete, deleted a bounded slice at a time: one slice
/// rides on each batch the replica saves, so no save deletes more than <see cref="RowsPerSlice"/> of them. A snapshot
/// may come only once the log since the last one outweighs it (<see cref="SnapshotSchedule"/>), so the obsolete log can
/// be as large as the state: deleted in one save, it held the loop still for longer than an election timeout.
/// Entries at or below a snapshot's index are never read or written again, so they may go at any later time; those a
/// restart left behind go with the walk from index 0 that follows the next snapshot.
/// </summary>
public sealed class LogTrim
{
    /// <summary>About 7 ms of SQLite's deleting on our machine (100,000 entries took 132 ms).</summary>
    public const ulong RowsPerSlice = 5_000;

    private ulong _deletedThrough;
    private ulong _obsoleteThrough;

    /// <summary>The first slice of the entries a snapshot at <paramref name="index"/> makes obsolete, deleted in the write that adopts it.</summary>
    public ulong FirstSliceOf(ulong index) => Math.Min(index, _deletedThrough + RowsPerSlice);

    /// <summary>A snapshot at <paramref name="index"/> was adopted: every entry up to it is obsolete.</summary>
    public void SnapshotAdopted(ulong index) => _obsoleteThrough = Math.Max(_obsoleteThrough, index);

    /// <summary>The index through which the next save deletes entries (never past the obsolete ones), or null if none are left.</summary>
    public ulong? NextSlice => _deletedThrough < _obsoleteThrough ? Math.Min(_obsoleteThrough, _deletedThrough + RowsPerSlice) : null;

    /// <summary>A save that deleted the entries through <paramref name="index"/> is durable.</summary>
    public void Deleted(ulong index) => _deletedThrough = Math.Max(_deletedThrough, index);
}
