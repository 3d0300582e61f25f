namespace GrainKv.Raft.Tests.Harness;

/// <summary>What one node's disk would hold: written only through ready batches, read back on restart.</summary>
public sealed class MemoryRaftStorage
{
    private readonly List<Entry> _entries = [];

    public HardState HardState { get; private set; } = new();

    public Snapshot? Snapshot { get; private set; }

    public IReadOnlyList<Entry> Entries => _entries;

    public void Persist(RaftReady ready)
    {
        if (ready.Snapshot is { } snapshot)
        {
            Snapshot = snapshot;
            _entries.Clear();
        }
        if (ready.EntriesToPersist.Count > 0)
        {
            var first = ready.EntriesToPersist[0].Index;
            _entries.RemoveAll(e => e.Index >= first);
            Assert.True(_entries.Count == 0 || _entries[^1].Index == first - 1 || first == (Snapshot?.Metadata.Index ?? 0) + 1,
                $"persisted entries starting at {first} leave a gap after {(_entries.Count == 0 ? 0 : _entries[^1].Index)}");
            _entries.AddRange(ready.EntriesToPersist);
        }
        if (ready.HardState is { } hardState) HardState = hardState.Clone();
    }

    public void SaveSnapshot(Snapshot snapshot)
    {
        Snapshot = snapshot;
        _entries.RemoveAll(e => e.Index <= snapshot.Metadata.Index);
    }

    public RaftDurableState Load() =>
        new(HardState.Clone(), Snapshot?.Metadata.ConfState ?? new ConfState(), Snapshot?.Metadata, [.. _entries])
        {
            SnapshotWithData = Snapshot,
        };
}
