namespace GrainKv.Grains.Replication;

/// <summary>
/// What a replica needs to know about time: its clock (milliseconds, monotonic; virtual in the
/// simulation), the election timeout (lease minimum TTL and failover extension), and the fewest
/// entries between snapshots (<see cref="SnapshotSchedule"/>).
/// </summary>
public sealed record ReplicaTiming(Func<long> NowMs, long ElectionTimeoutMs, long SnapshotCount)
{
    /// <summary>Expired leases the leader revokes per check, as etcd bounds its revoke rate.</summary>
    public const int RevokesPerCheck = 500;

    /// <summary>The monotonic clock of <paramref name="time"/>, in milliseconds.</summary>
    public static Func<long> MonotonicMs(TimeProvider time) => () => (long)time.GetElapsedTime(0).TotalMilliseconds;
}
