using GrainKv.Raft;

namespace GrainKv.Storage;

/// <summary>
/// The log store for the deterministic simulation: the same contract as the SQLite store, with its "disk" in
/// memory. Every call completes synchronously. <see cref="Restart"/> models a crash: the new store sees exactly
/// what completed saves and claims left, and the crashed one refuses every further call.
/// </summary>
public sealed class InMemoryRaftLogStore : IRaftLogStore
{
    private readonly Dictionary<ulong, InMemoryGroupRecord> _disk;
    private bool _disposed;

    public InMemoryRaftLogStore() : this([])
    {
    }

    private InMemoryRaftLogStore(Dictionary<ulong, InMemoryGroupRecord> disk) => _disk = disk;

    /// <summary>Crashes this store and returns one over the same durable state.</summary>
    public InMemoryRaftLogStore Restart()
    {
        lock (_disk)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _disposed = true;
            return new InMemoryRaftLogStore(_disk);
        }
    }

    public Task<ulong> ClaimGenerationAsync(ulong groupId, CancellationToken ct) => Run(ct, () =>
    {
        if (!_disk.TryGetValue(groupId, out var record))
        {
            record = new InMemoryGroupRecord();
            _disk.Add(groupId, record);
        }
        record.Generation++;
        return record.Generation;
    });

    public Task<StoredGroupState> LoadAsync(ulong groupId, CancellationToken ct) => Run(ct, () =>
    {
        if (!_disk.TryGetValue(groupId, out var record)) return StoredGroupState.Empty;
        var snapshotIndex = record.Snapshot?.Metadata.Index ?? 0;
        var entries = record.Entries.Skip(record.FirstPositionAtOrAfter(snapshotIndex + 1)).Select(entry => entry.Clone()).ToList();
        return new StoredGroupState(record.HardState.Clone(), record.ConfState.Clone(), record.Snapshot?.Clone(), entries);
    });

    public Task SaveAsync(IReadOnlyList<GroupWrite> writes, CancellationToken ct) => Run(ct, () =>
    {
        GroupWriteApplier.EnsureWellFormed(writes);
        var transaction = new InMemoryLogTransaction(_disk);
        foreach (var write in writes) GroupWriteApplier.Apply(transaction, write);
        transaction.Commit();
        return true;
    });

    /// <summary>In one piece: nothing here waits on a disk.</summary>
    public Task<StagedSnapshot> StageSnapshotAsync(ulong groupId, ulong generation, Snapshot snapshot, CancellationToken ct) => Run(ct, () =>
    {
        _disk[groupId].StagedData[(generation, snapshot.Metadata.Index)] = snapshot.Data;
        return new StagedSnapshot(snapshot.Metadata.Clone(), Chunks: 1);
    });

    /// <summary>Nothing on disk to give back.</summary>
    public Task DefragmentAsync(CancellationToken ct) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        lock (_disk) _disposed = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs an operation under the disk's lock; failures come back in the task, as from an I/O store.</summary>
    private Task<T> Run<T>(CancellationToken ct, Func<T> operation)
    {
        try
        {
            ct.ThrowIfCancellationRequested();
            lock (_disk)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return Task.FromResult(operation());
            }
        }
        catch (Exception exception)
        {
            return Task.FromException<T>(exception);
        }
    }
}
