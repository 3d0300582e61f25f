namespace GrainKv.Grains.Replication;

/// <summary>Raft timing and limits, from the silo's etcd-style flags.</summary>
public sealed record ReplicationOptions
{
    /// <summary>One Raft tick: etcd's --heartbeat-interval.</summary>
    public int TickIntervalMs { get; init; } = 100;

    /// <summary>etcd's --election-timeout, in ticks of <see cref="TickIntervalMs"/>.</summary>
    public int ElectionTicks { get; init; } = 10;

    public long SnapshotCount { get; init; } = 100_000;

    /// <summary>etcd's --experimental-watch-progress-notify-interval: how often idle progress_notify watchers hear the revision.</summary>
    public TimeSpan WatchProgressNotifyInterval { get; init; } = TimeSpan.FromMinutes(10);
}
