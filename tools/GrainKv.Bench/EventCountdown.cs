namespace GrainKv.Bench;

/// <summary>Counts down the events a run expects, from many reader tasks; completes once all of them arrived.</summary>
public sealed class EventCountdown
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _remaining;

    public EventCountdown(long expected)
    {
        _remaining = expected;
        if (expected <= 0)
        {
            _done.SetResult();
        }
    }

    public void Signal(int events)
    {
        if (Interlocked.Add(ref _remaining, -events) <= 0)
        {
            _done.TrySetResult();
        }
    }

    /// <summary>True once every expected event arrived, false if <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await _done.Task.WaitAsync(timeout, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
