using GrainKv.Raft;
using GrainKv.Storage;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// A replica's disk: an <see cref="InMemoryRaftLogStore"/> whose saves take virtual time (up to the
/// run's disk latency, and no earlier than the end of a hang). The processing has one save in flight
/// at a time, so saves land in the order they were made. A save lands in a clock event of its own, and the processing that awaited it resumes right there,
/// on the simulation's one thread. After a crash nothing in flight lands: the dead process waits forever.
/// </summary>
public sealed class SimulatedDisk(InMemoryRaftLogStore store, VirtualClock clock, SeededRandomSource random, int maxLatencyMs, Action landed)
    : IRaftLogStore
{
    private long _stalledUntilMs;
    private bool _crashed;

    public InMemoryRaftLogStore Store => store;

    /// <summary>The log entries on the disk, in index order, as of the last save that landed.</summary>
    public IReadOnlyList<Entry> StoredEntries { get; private set; } = [];

    /// <summary>Saves still to land.</summary>
    public int InFlight { get; private set; }

    /// <summary>The disk hangs until <paramref name="untilMs"/>: a save in flight or made before then lands no earlier.</summary>
    public void Stall(long untilMs) => _stalledUntilMs = Math.Max(_stalledUntilMs, untilMs);

    /// <summary>The process dies: saves in flight are lost, and the store refuses this instance from now on.</summary>
    public InMemoryRaftLogStore Crash()
    {
        _crashed = true;
        return store.Restart();
    }

    public Task<ulong> ClaimGenerationAsync(ulong groupId, CancellationToken ct) => store.ClaimGenerationAsync(groupId, ct);

    public async Task<StoredGroupState> LoadAsync(ulong groupId, CancellationToken ct)
    {
        var stored = await store.LoadAsync(groupId, ct);
        StoredEntries = stored.Entries;
        return stored;
    }

    public Task SaveAsync(IReadOnlyList<GroupWrite> writes, CancellationToken ct)
    {
        var saved = new TaskCompletionSource();
        InFlight++;
        clock.Schedule(random.Next(maxLatencyMs + 1), () => Land(writes, saved));
        return saved.Task;
    }

    public Task DefragmentAsync(CancellationToken ct) => store.DefragmentAsync(ct);

    public ValueTask DisposeAsync() => store.DisposeAsync();

    private void Land(IReadOnlyList<GroupWrite> writes, TaskCompletionSource saved)
    {
        if (_crashed) return;
        if (clock.NowMs < _stalledUntilMs)
        {
            clock.Schedule(_stalledUntilMs - clock.NowMs, () => Land(writes, saved));
            return;
        }
        InFlight--;
        var save = store.SaveAsync(writes, CancellationToken.None);
        if (save.IsCompletedSuccessfully) StoredEntries = store.LoadAsync(SimulatedReplica.ShardId, CancellationToken.None).Result.Entries;
        // With no synchronization context current the awaiting processing resumes inline, in this event, as the simulation requires.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            if (save.IsCompletedSuccessfully) saved.SetResult();
            else saved.SetException(save.Exception!.InnerExceptions);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
        landed();
    }
}
