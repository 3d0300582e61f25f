namespace GrainKv.Watch;

/// <summary>Bounds of the watch fan-out; the defaults are etcd 3.4's (etcd-api.md §4.2, §4.4, §7.1).</summary>
public sealed record WatchHubOptions
{
    /// <summary>
    /// Event responses a stream may hold before its lagging watchers stop taking live events and fall
    /// back to history; created, canceled and progress answers are never refused.
    /// </summary>
    public int SendBufferResponses { get; init; } = 128;

    /// <summary>Revisions one history replay response may span.</summary>
    public int ReplayBatchRevisions { get; init; } = 1000;

    /// <summary>
    /// A response of at least this many bytes with more than one event is split for watchers that asked
    /// for fragments: max-request-bytes (1.5 MiB) + 512 KiB, etcd's gRPC receive limit.
    /// </summary>
    public int FragmentThresholdBytes { get; init; } = 1_572_864 + 524_288;
}
