namespace GrainKv.Bench;

/// <summary>
/// A lease-keepalive run: <see cref="Leases"/> leases of <see cref="TtlSeconds"/>, granted over the first interval
/// and each kept alive every TTL/3 (as clientv3's lessor does) over <see cref="Streams"/> LeaseKeepAlive streams,
/// measured for <see cref="Duration"/> after one interval of renewals as warm-up.
/// </summary>
public sealed record LeaseKeepAliveSettings(
    ConnectionSettings Connection,
    int Leases,
    long TtlSeconds,
    int Streams,
    TimeSpan Duration)
{
    /// <summary>Revokes in flight at once, after the measured phase.</summary>
    public const int RevokeConcurrency = 64;

    public TimeSpan Interval => TimeSpan.FromSeconds(TtlSeconds / 3.0);

    public double KeepAlivesPerSecondExpected => Leases / Interval.TotalSeconds;
}
