using System.Globalization;

namespace GrainKv.Grains.Compaction;

/// <summary>
/// When to compact and to which revision, as etcd's --auto-compaction-mode/-retention decide it.
/// Pure: the caller samples (now, current revision) at <see cref="CheckInterval"/> and compacts to
/// what <see cref="Observe"/> returns, if anything.
/// </summary>
public abstract class AutoCompactionPolicy
{
    public abstract TimeSpan CheckInterval { get; }

    /// <summary>The revision to compact to now, or null.</summary>
    public abstract long? Observe(TimeSpan now, long currentRevision);

    /// <summary>null when retention is "0" (auto-compaction off, etcd's default).</summary>
    public static AutoCompactionPolicy? Create(string mode, string retention) => mode switch
    {
        "revision" => long.Parse(retention, CultureInfo.InvariantCulture) is var keep and > 0 ? new RevisionRetention(keep) : null,
        "periodic" => ParseDuration(retention) is var period && period > TimeSpan.Zero ? new PeriodicRetention(period) : null,
        _ => throw new ArgumentException($"unknown auto-compaction mode '{mode}' (periodic|revision)", nameof(mode)),
    };

    /// <summary>etcd reads a bare number as hours, otherwise a Go duration such as "30m" or "1h30m".</summary>
    public static TimeSpan ParseDuration(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var hours)
            ? TimeSpan.FromHours(hours)
            : GoDuration.Parse(text);
}

/// <summary>Keep the last N revisions: every 5 minutes compact to current − N, as etcd's revision mode.</summary>
public sealed class RevisionRetention(long keep) : AutoCompactionPolicy
{
    private long _compacted;

    public override TimeSpan CheckInterval => TimeSpan.FromMinutes(5);

    public override long? Observe(TimeSpan now, long currentRevision)
    {
        var target = currentRevision - keep;
        if (target <= 0 || target <= _compacted) return null;
        _compacted = target;
        return target;
    }
}

/// <summary>
/// Keep a time window of history: sample the revision every retention/10 (at most hourly) and
/// compact to the revision sampled one retention period ago, as etcd's periodic mode.
/// </summary>
public sealed class PeriodicRetention(TimeSpan retention) : AutoCompactionPolicy
{
    private readonly Queue<(TimeSpan At, long Revision)> _samples = new();
    private long _compacted;

    public override TimeSpan CheckInterval => retention > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : retention / 10;

    public override long? Observe(TimeSpan now, long currentRevision)
    {
        _samples.Enqueue((now, currentRevision));
        long? target = null;
        while (_samples.Count > 0 && now - _samples.Peek().At >= retention) target = _samples.Dequeue().Revision;
        if (target is null || target <= _compacted) return null;
        _compacted = target.Value;
        return target;
    }
}
