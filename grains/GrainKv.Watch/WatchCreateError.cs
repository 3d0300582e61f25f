namespace GrainKv.Watch;

/// <summary>Why a create request was refused; the refusal travels in the WatchResponse itself, not as a gRPC status.</summary>
internal enum WatchCreateError
{
    RangeEmpty,
    DuplicateWatchId,
}

internal static class WatchCreateErrorReason
{
    /// <summary>etcd's cancel_reason texts, byte for byte (etcd-api.md §4.1); the Go client turns them into errors.</summary>
    public static string Of(WatchCreateError error) => error switch
    {
        WatchCreateError.RangeEmpty => "mvcc: watcher range is empty",
        WatchCreateError.DuplicateWatchId => "mvcc: duplicate watch ID provided on the WatchStream",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };
}
