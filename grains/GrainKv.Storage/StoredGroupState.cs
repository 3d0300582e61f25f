using GrainKv.Raft;

namespace GrainKv.Storage;

/// <summary>
/// What a group restarts from: its hard state, its last stored configuration, its latest snapshot and the log
/// entries after that snapshot, in index order.
/// </summary>
public sealed record StoredGroupState(HardState HardState, ConfState ConfState, Snapshot? Snapshot, IReadOnlyList<Entry> Entries)
{
    public static StoredGroupState Empty => new(new HardState(), new ConfState(), null, []);
}
