namespace GrainKv.Raft;

/// <summary>
/// What storage holds for one node, as loaded on restart: the hard state, the last saved
/// configuration, the latest snapshot's metadata and the log entries after it, in index order.
/// </summary>
/// <remarks>
/// The node derives its membership from the snapshot's configuration (or <see cref="ConfState"/>,
/// or the config's initial voters, in that order) plus the committed configuration changes in
/// <see cref="Entries"/>. Replaying a change that storage already reflects is harmless: each change
/// sets one node's role.
/// </remarks>
public sealed record RaftDurableState(HardState HardState, ConfState ConfState, SnapshotMetadata? Snapshot, IReadOnlyList<Entry> Entries)
{
    /// <summary>A fresh node: nothing stored yet.</summary>
    public static RaftDurableState Empty => new(new HardState(), new ConfState(), null, []);

    /// <summary>
    /// The latest snapshot with its data, when the shell has it at hand: a leader needs the data
    /// to catch up followers behind its compacted log prefix.
    /// </summary>
    public Snapshot? SnapshotWithData { get; init; }
}
