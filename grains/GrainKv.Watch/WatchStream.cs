using Etcdserverpb;
using Mvccpb;

namespace GrainKv.Watch;

/// <summary>
/// The watchers of one Watch gRPC stream and the responses waiting to be written to it, in the order they
/// must be sent. Created, canceled and progress answers always queue; event responses queue only while
/// fewer than <see cref="WatchHubOptions.SendBufferResponses"/> wait, otherwise the watcher lags and later
/// replays the revisions it missed from the store's history, so a slow client never holds up apply.
/// </summary>
public sealed class WatchStream
{
    private readonly WatchHub _hub;
    private readonly Dictionary<long, Watcher> _watchers = [];
    private readonly List<WatchResponse> _outbox = [];
    private long _nextAssignedWatchId;

    internal WatchStream(WatchHub hub, long id)
    {
        _hub = hub;
        Id = id;
    }

    public long Id { get; }

    /// <summary>True while <see cref="TakeOutbox"/> would return something: queued responses or history to replay.</summary>
    public bool HasOutput => _outbox.Count > 0 || _watchers.Values.Any(watcher => watcher.IsLagging(_hub.Revision));

    internal bool IsMarkedReady { get; set; }

    private bool HasRoomForEvents => _outbox.Count < _hub.Options.SendBufferResponses;

    /// <summary>One request read from the client; a request with no create, cancel or progress set is ignored, as etcd does.</summary>
    public void Handle(WatchRequest request)
    {
        switch (request.RequestUnionCase)
        {
            case WatchRequest.RequestUnionOneofCase.CreateRequest:
                Create(request.CreateRequest);
                break;
            case WatchRequest.RequestUnionOneofCase.CancelRequest:
                Cancel(request.CancelRequest.WatchId);
                break;
            case WatchRequest.RequestUnionOneofCase.ProgressRequest:
                // etcd 3.4 answers at once with the current revision (etcd-api.md §4.3).
                Enqueue(WatchResponses.Progress(_hub.Revision, WatchResponses.NoWatchId));
                break;
        }
    }

    /// <summary>
    /// Answers a create request the shell refused before it reached the hub (a permission check), in its
    /// place among the other creates; <paramref name="reason"/> is the full gRPC status text etcd sends.
    /// </summary>
    public void RefuseCreate(string reason) => Enqueue(WatchResponses.CreateRefused(_hub.Revision, reason));

    /// <summary>
    /// The responses to write next, in order, after first replaying history for lagging watchers into the
    /// free room. Taking them frees the send buffer; while <see cref="HasOutput"/> stays true the shell
    /// calls again once they are written.
    /// </summary>
    public IReadOnlyList<WatchResponse> TakeOutbox()
    {
        CatchUp();
        var taken = _outbox.ToArray();
        _outbox.Clear();
        return taken;
    }

    internal void Close()
    {
        _watchers.Clear();
        _outbox.Clear();
    }

    /// <summary>
    /// A revision applied after <paramref name="previous"/>, to the watchers that had seen everything before it (a
    /// lagging one replays from history; one that starts later waits).
    /// </summary>
    internal void Deliver(AppliedRevision applied, long previous)
    {
        foreach (var watcher in _watchers.Values)
        {
            if (watcher.NextRevision <= previous || watcher.NextRevision > applied.Revision)
            {
                continue;
            }
            if (applied.SelectFor(watcher) is { } selected)
            {
                if (!HasRoomForEvents)
                {
                    // Left at this revision: the watcher is lagging now and replays it from history.
                    continue;
                }
                EnqueueEvents(watcher, applied.Revision, selected);
            }
            watcher.NextRevision = applied.Revision + 1;
        }
    }

    internal void NotifyProgress()
    {
        foreach (var watcher in _watchers.Values)
        {
            if (watcher.WantsProgressNotify && !watcher.GotEventsSinceProgress && !watcher.IsLagging(_hub.Revision) && HasRoomForEvents)
            {
                Enqueue(WatchResponses.Progress(_hub.Revision, watcher.Id));
            }
            watcher.GotEventsSinceProgress = false;
        }
    }

    private void Create(WatchCreateRequest request)
    {
        if (WatchKeyRange.Of(request.Key, request.RangeEnd) is not { } range)
        {
            RefuseCreate(WatchCreateErrorReason.Of(WatchCreateError.RangeEmpty));
            return;
        }
        long watchId;
        if (request.WatchId != 0)
        {
            if (_watchers.ContainsKey(request.WatchId))
            {
                RefuseCreate(WatchCreateErrorReason.Of(WatchCreateError.DuplicateWatchId));
                return;
            }
            watchId = request.WatchId;
        }
        else
        {
            while (_watchers.ContainsKey(_nextAssignedWatchId))
            {
                _nextAssignedWatchId++;
            }
            watchId = _nextAssignedWatchId++;
        }
        // start_revision 0 is "after now"; a past start replays history (compacted or not) once the
        // created response is queued, so no event can precede it.
        var nextRevision = request.StartRevision > 0 ? request.StartRevision : _hub.Revision + 1;
        _watchers.Add(watchId, new Watcher(watchId, range, request, nextRevision));
        Enqueue(WatchResponses.Created(_hub.Revision, watchId));
    }

    private void Cancel(long watchId)
    {
        if (_watchers.Remove(watchId))
        {
            Enqueue(WatchResponses.Canceled(_hub.Revision, watchId));
        }
    }

    /// <summary>Round robin, one response per lagging watcher per pass, so one long replay does not starve the others.</summary>
    private void CatchUp()
    {
        while (HasRoomForEvents)
        {
            var lagging = _watchers.Values.Where(watcher => watcher.IsLagging(_hub.Revision)).ToList();
            if (lagging.Count == 0)
            {
                return;
            }
            foreach (var watcher in lagging)
            {
                if (!HasRoomForEvents)
                {
                    return;
                }
                ReplayNextResponse(watcher);
            }
        }
    }

    /// <summary>Reads history batch by batch until one response is queued, the watcher is live, or compaction ends it.</summary>
    private void ReplayNextResponse(Watcher watcher)
    {
        while (watcher.IsLagging(_hub.Revision))
        {
            var endRevision = Math.Min(_hub.Revision, watcher.NextRevision + _hub.Options.ReplayBatchRevisions - 1);
            var changes = _hub.Store.ChangesFrom(watcher.NextRevision, endRevision, watcher.WantsPrevKv);
            if (!changes.IsOk)
            {
                Invariant.Check(changes.Error == GrainKv.Mvcc.KvError.Compacted, "history replay fails only on compaction");
                _watchers.Remove(watcher.Id);
                Enqueue(WatchResponses.CompactionCanceled(watcher.Id, _hub.Store.CompactRevision));
                return;
            }
            watcher.NextRevision = endRevision + 1;
            if (watcher.Select(changes.Value) is { } selected)
            {
                EnqueueEvents(watcher, _hub.Revision, selected);
                return;
            }
        }
    }

    private void EnqueueEvents(Watcher watcher, long headerRevision, List<Event> events)
    {
        var response = WatchResponses.Events(headerRevision, watcher.Id, events);
        if (watcher.WantsFragments)
        {
            foreach (var part in ResponseFragmenter.Split(response, _hub.Options.FragmentThresholdBytes))
            {
                Enqueue(part);
            }
        }
        else
        {
            Enqueue(response);
        }
        watcher.GotEventsSinceProgress = true;
    }

    private void Enqueue(WatchResponse response)
    {
        _outbox.Add(response);
        _hub.MarkReady(this);
    }
}
