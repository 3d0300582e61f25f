namespace GrainKv.Simulation.Tests;

/// <summary>
/// Virtual time in milliseconds and the events due at each instant. Events at the same instant run
/// in the order they were scheduled, so a run depends on nothing but its seed. As a
/// <see cref="TimeProvider"/> it is the clock the production classes read; nothing in the
/// simulation waits on a timer, so creating one fails rather than fall back to real time.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    private readonly PriorityQueue<Action, (long DueMs, long Sequence)> _due = new();
    private long _sequence;

    public long NowMs { get; private set; }

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => NowMs;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddMilliseconds(NowMs);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("the simulation schedules its events on the virtual clock, never on a timer");

    public void Schedule(long delayMs, Action action)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delayMs);
        _due.Enqueue(action, (NowMs + delayMs, _sequence++));
    }

    /// <summary>Runs the next event if it is due by <paramref name="untilMs"/>; false when none is.</summary>
    public bool RunNext(long untilMs)
    {
        if (!_due.TryPeek(out _, out var at) || at.DueMs > untilMs) return false;
        var action = _due.Dequeue();
        NowMs = at.DueMs;
        action();
        return true;
    }
}
