using System.Diagnostics;

namespace GrainKv.Bench;

/// <summary>Helpers for the <see cref="Stopwatch"/> timestamps the runs schedule and time their requests with.</summary>
public static class StopwatchTime
{
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    public static long NanosecondsBetween(long startTimestamp, long endTimestamp) => (long)((endTimestamp - startTimestamp) * NanosecondsPerTick);

    public static long TicksOf(TimeSpan duration) => (long)(duration.TotalSeconds * Stopwatch.Frequency);

    public static long After(long timestamp, TimeSpan duration) => timestamp + TicksOf(duration);

    /// <summary>Waits until <paramref name="timestamp"/>; returns at once if it has passed.</summary>
    public static async Task DelayUntilAsync(long timestamp, CancellationToken ct)
    {
        TimeSpan wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct);
        }
    }
}
