namespace GrainKv.Grains.Corruption;

/// <summary>
/// etcd's --experimental-corrupt-check-time (<see cref="Interval"/>), and how long a replica may take to answer
/// before it counts as unreachable (etcd's request timeout).
/// </summary>
public sealed record CorruptionCheckOptions(TimeSpan Interval, TimeSpan RequestTimeout)
{
    /// <summary>null when the interval is 0, etcd's default: no periodic check.</summary>
    public static CorruptionCheckOptions? Create(string interval, TimeSpan requestTimeout) =>
        GoDuration.Parse(interval) is var every && every > TimeSpan.Zero ? new CorruptionCheckOptions(every, requestTimeout) : null;
}
