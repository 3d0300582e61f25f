using Etcdserverpb;
using Mvccpb;

namespace GrainKv.Watch;

/// <summary>
/// The shapes of WatchResponse etcd sends (etcd-api.md §2, §4). Every response gets its own header: the
/// shell fills cluster_id, member_id and raft_term in place.
/// </summary>
public static class WatchResponses
{
    /// <summary>The watch_id of answers that belong to no watcher: refused creates and progress requests.</summary>
    public const long NoWatchId = -1;

    public static WatchResponse Created(long currentRevision, long watchId) =>
        new() { Header = Header(currentRevision), WatchId = watchId, Created = true };

    public static WatchResponse CreateRefused(long currentRevision, string reason) =>
        new() { Header = Header(currentRevision), WatchId = NoWatchId, Created = true, Canceled = true, CancelReason = reason };

    public static WatchResponse Canceled(long currentRevision, long watchId) =>
        new() { Header = Header(currentRevision), WatchId = watchId, Canceled = true };

    /// <summary>etcd leaves the header revision 0 here (verified against etcd 3.4).</summary>
    public static WatchResponse CompactionCanceled(long watchId, long compactRevision) =>
        new() { Header = Header(0), WatchId = watchId, Canceled = true, CompactRevision = compactRevision };

    /// <summary>Both the answer to a progress request (watch_id -1) and a watcher's progress notification.</summary>
    public static WatchResponse Progress(long currentRevision, long watchId) =>
        new() { Header = Header(currentRevision), WatchId = watchId };

    public static WatchResponse Events(long headerRevision, long watchId, IEnumerable<Event> events)
    {
        var response = new WatchResponse { Header = Header(headerRevision), WatchId = watchId };
        response.Events.AddRange(events);
        return response;
    }

    private static ResponseHeader Header(long revision) => new() { Revision = revision };
}
