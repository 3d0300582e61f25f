using GrainKv.Raft;
using GrainKv.Storage;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// A replica's disk: an <see cref="InMemoryRaftLogStore"/> whose saves take virtual time (up to the
/// run's disk latency, and no earlier than the end of a hang). The processing has one save in flight
/// at a time, so saves land in the order they were made. A save lands in a clock event of its own, and the processing that awaited it resumes right there,
/// on the simulation's one thread. A snapshot's staging lands the same way, in any order with the saves. After a crash
/// nothing in flight lands: the dead process waits forever.
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

    public Task<StagedSnapshot> StageSnapshotAsync(ulong groupId, ulong generation, Snapshot snapshot, CancellationToken ct)
    {
        var staged = new TaskCompletionSource<StagedSnapshot>();
        clock.Schedule(random.Next(maxLatencyMs + 1), () => LandStaging(groupId, generation, snapshot, staged));
        return staged.Task;
    }

    public Task DefragmentAsync(CancellationToken ct) => store.DefragmentAsync(ct);

    public ValueTask DisposeAsync() => store.DisposeAsync();

    private void Land(IReadOnlyList<GroupWrite> writes, TaskCompletionSource saved)
    {
        if (HeldBack(() => Land(writes, saved))) return;
        InFlight--;
        var save = store.SaveAsync(writes, CancellationToken.None);
        if (save.IsCompletedSuccessfully) StoredEntries = store.LoadAsync(SimulatedReplica.ShardId, CancellationToken.None).Result.Entries;
        ResumeInline(() =>
        {
            if (save.IsCompletedSuccessfully) saved.SetResult();
            else saved.SetException(save.Exception!.InnerExceptions);
        });
        landed();
    }

    private void LandStaging(ulong groupId, ulong generation, Snapshot snapshot, TaskCompletionSource<StagedSnapshot> staged)
    {
        if (HeldBack(() => LandStaging(groupId, generation, snapshot, staged))) return;
        var stage = store.StageSnapshotAsync(groupId, generation, snapshot, CancellationToken.None);
        ResumeInline(() =>
        {
            if (stage.IsCompletedSuccessfully) staged.SetResult(stage.Result);
            else staged.SetException(stage.Exception!.InnerExceptions);
        });
    }

    /// <summary>Nothing lands after a crash, and nothing before the end of a hang (it lands then).</summary>
    private bool HeldBack(Action land)
    {
        if (_crashed) return true;
        if (clock.NowMs >= _stalledUntilMs) return false;
        clock.Schedule(_stalledUntilMs - clock.NowMs, land);
        return true;
    }

    /// <summary>With no synchronization context current the awaiting code resumes inline, in this event, as the simulation requires.</summary>
    private static void ResumeInline(Action complete)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            complete();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }
}
