using GrainKv.Grains.Cluster;

namespace GrainKv.MemberData;

/// <summary>
/// A storage size measured at most once a second, off the caller's path: the quota check reads it on the write path,
/// which must not wait for a measurement, so a read that finds the last one stale starts the next in the background
/// and answers with the last. A measurement that fails (null) leaves the last size standing.
/// </summary>
public abstract class PeriodicDatabaseSize : IDatabaseSize
{
    private const long RefreshMs = 1000;

    private long _bytes;
    private long _measuredAtMs = long.MinValue / 2;
    private int _measuring;

    /// <summary>Starts with <paramref name="first"/>, measured by the caller, or with nothing measured yet.</summary>
    protected PeriodicDatabaseSize(long? first)
    {
        if (first is not { } bytes) return;
        _bytes = bytes;
        _measuredAtMs = Environment.TickCount64;
    }

    public long Bytes
    {
        get
        {
            if (Environment.TickCount64 - Volatile.Read(ref _measuredAtMs) >= RefreshMs) Refresh();
            return Volatile.Read(ref _bytes);
        }
    }

    /// <summary>The size now, or null when it cannot be measured.</summary>
    protected abstract Task<long?> MeasureAsync();

    /// <summary>Starts a measurement in the background unless one is running.</summary>
    protected void Refresh()
    {
        if (Interlocked.Exchange(ref _measuring, 1) == 0) _ = RecordAsync();
    }

    private async Task RecordAsync()
    {
        try
        {
            if (await MeasureAsync().ConfigureAwait(false) is { } bytes) Volatile.Write(ref _bytes, bytes);
        }
        finally
        {
            Volatile.Write(ref _measuredAtMs, Environment.TickCount64);
            Volatile.Write(ref _measuring, 0);
        }
    }
}
