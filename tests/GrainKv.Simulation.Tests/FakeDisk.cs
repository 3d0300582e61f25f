using GrainKv.Storage;
using Microsoft.Extensions.Time.Testing;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// A log store on a fake clock: each save takes <paramref name="saveTime"/> of it, as a disk takes
/// time, and once the disk hangs a save waits until it is released. <see cref="Saving"/> runs as
/// each save starts, for writers that keep the next batch full.
/// </summary>
public sealed class FakeDisk(IRaftLogStore store, FakeTimeProvider time, TimeSpan saveTime) : IRaftLogStore
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _hanging;
    private int _waiting;

    /// <summary>Runs as each save starts.</summary>
    public event Action? Saving;

    /// <summary>Saves waiting for <see cref="Release"/>.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public void Hang() => _hanging = true;

    public void Release()
    {
        _hanging = false;
        _released.TrySetResult();
    }

    public async Task SaveAsync(IReadOnlyList<GroupWrite> writes, CancellationToken ct)
    {
        Saving?.Invoke();
        time.Advance(saveTime);
        if (_hanging)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                await _released.Task.WaitAsync(ct);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
        await store.SaveAsync(writes, ct);
    }

    public Task<StagedSnapshot> StageSnapshotAsync(ulong groupId, ulong generation, GrainKv.Raft.Snapshot snapshot, CancellationToken ct) =>
        store.StageSnapshotAsync(groupId, generation, snapshot, ct);

    public Task<ulong> ClaimGenerationAsync(ulong groupId, CancellationToken ct) => store.ClaimGenerationAsync(groupId, ct);

    public Task<StoredGroupState> LoadAsync(ulong groupId, CancellationToken ct) => store.LoadAsync(groupId, ct);

    public Task DefragmentAsync(CancellationToken ct) => store.DefragmentAsync(ct);

    public ValueTask DisposeAsync() => store.DisposeAsync();
}
