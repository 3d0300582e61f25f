using GrainKv.Raft;

namespace GrainKv.Storage;

/// <summary>
/// One group's share of a <see cref="IRaftLogStore.SaveAsync"/> batch, applied in this order:
/// <list type="number">
/// <item><see cref="Snapshot"/> replaces the stored snapshot. The stored log tail is kept only if it continues the
/// snapshot (it holds the snapshot's index with the snapshot's term); otherwise the whole log is dropped, as a Raft
/// follower discards a log that conflicts with an installed snapshot (Raft paper §7). <see cref="StagedSnapshot"/>
/// does the same with the data <see cref="IRaftLogStore.StageSnapshotAsync"/> saved for this write's generation.
/// Either deletes every other staged snapshot of the group.</item>
/// <item><see cref="Entries"/> (consecutive indexes starting at i) replace every stored entry with index &gt;= i.</item>
/// <item><see cref="CompactThrough"/> deletes the entries with index &lt;= it.</item>
/// <item><see cref="HardState"/> and <see cref="ConfState"/> replace the stored ones when present.</item>
/// </list>
/// </summary>
/// <param name="GroupId">The Raft group (shard) written.</param>
/// <param name="Generation">The generation the writer claimed; must be the group's current one.</param>
public sealed record GroupWrite(ulong GroupId, ulong Generation)
{
    public HardState? HardState { get; init; }
    public ConfState? ConfState { get; init; }
    public IReadOnlyList<Entry> Entries { get; init; } = [];
    public Snapshot? Snapshot { get; init; }
    public StagedSnapshot? StagedSnapshot { get; init; }
    public ulong? CompactThrough { get; init; }

    /// <summary>Rejects writes no correct Raft core produces, before anything is stored.</summary>
    internal void EnsureWellFormed()
    {
        if (Snapshot is not null && Snapshot.Metadata is null)
        {
            throw new ArgumentException($"Group {GroupId}: a snapshot without metadata cannot be stored.");
        }
        if (Snapshot is not null && StagedSnapshot is not null)
        {
            throw new ArgumentException($"Group {GroupId}: one write stores one snapshot, not a staged one as well.");
        }
        for (var i = 1; i < Entries.Count; i++)
        {
            if (Entries[i].Index != Entries[i - 1].Index + 1)
            {
                throw new ArgumentException(
                    $"Group {GroupId}: entries must have consecutive indexes, got {Entries[i - 1].Index} then {Entries[i].Index}.");
            }
        }
    }
}
