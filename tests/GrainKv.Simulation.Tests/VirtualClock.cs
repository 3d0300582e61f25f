namespace GrainKv.Simulation.Tests;

/// <summary>
/// Virtual time in milliseconds and the events due at each instant. Events at the same instant run
/// in the order they were scheduled, so a run depends on nothing but its seed.
/// </summary>
public sealed class VirtualClock
{
    private readonly PriorityQueue<Action, (long DueMs, long Sequence)> _due = new();
    private long _sequence;

    public long NowMs { get; private set; }

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
