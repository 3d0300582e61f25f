using Etcdserverpb;

namespace GrainKv.Client;

/// <summary>
/// What a Watch stream relayed from an upstream etcd endpoint has told its client, so that when the
/// upstream breaks the stream can go on against another endpoint with no event missed or repeated: the
/// new upstream gets every watcher the client has, re-created under the same id from the revision after
/// the last one the client saw (its created answer not passed on again), then every request the old
/// upstream left unanswered, in order. Watch ids stay the client's own and, as etcd's within one stream,
/// are never handed out twice: a new upstream counts ids from 0 again, so once a stream has resumed, a
/// create that leaves the id to the server is sent with the next id the client has not had.
/// Pure: the relay feeds it both directions and serializes the calls.
/// </summary>
public sealed class ResumableWatchState
{
    private readonly SortedDictionary<long, Watcher> _watchers = [];
    private readonly List<WatchRequest> _unanswered = [];
    private readonly Queue<ExpectedCreate> _creates = new();
    private long _nextFreeId;
    private bool _resumed;

    /// <summary>The watchers the client has now.</summary>
    public int WatcherCount => _watchers.Count;

    /// <summary>Notes a request from the client; returns it, to be sent upstream.</summary>
    public WatchRequest FromClient(WatchRequest request)
    {
        switch (request.RequestUnionCase)
        {
            case WatchRequest.RequestUnionOneofCase.CreateRequest:
                if (_resumed) request = WithFreeId(request);
                _unanswered.Add(request);
                _creates.Enqueue(new ExpectedCreate(request, ResumedWatchId: null));
                break;
            case WatchRequest.RequestUnionOneofCase.CancelRequest when _watchers.ContainsKey(request.CancelRequest.WatchId):
                _unanswered.Add(request);
                break;
            case WatchRequest.RequestUnionOneofCase.ProgressRequest:
                _unanswered.Add(request);
                break;
        }
        return request;
    }

    /// <summary>A response from upstream; returns what to pass on to the client, in order.</summary>
    public IReadOnlyList<WatchResponse> FromUpstream(WatchResponse response)
    {
        if (response.Created) return Created(response);
        if (response.Canceled) return Canceled(response);
        if (response.Events.Count > 0 || response.Fragment) return Events(response);
        if (response.WatchId == -1) Answered(WatchRequest.RequestUnionOneofCase.ProgressRequest, _ => true);
        return [response];
    }

    /// <summary>The requests that rebuild the client's watchers on a new upstream; the old one is gone.</summary>
    public IReadOnlyList<WatchRequest> Resume()
    {
        _resumed = true;
        _creates.Clear();
        var requests = new List<WatchRequest>(_watchers.Count + _unanswered.Count);
        foreach (var (id, watcher) in _watchers)
        {
            watcher.Fragments.Clear();
            var create = watcher.Create.Clone();
            create.WatchId = id;
            create.StartRevision = watcher.NextRevision;
            requests.Add(new WatchRequest { CreateRequest = create });
            _creates.Enqueue(new ExpectedCreate(null, id));
        }
        for (var i = 0; i < _unanswered.Count; i++)
        {
            var request = _unanswered[i] = WithFreeId(_unanswered[i]);
            requests.Add(request);
            if (request.RequestUnionCase == WatchRequest.RequestUnionOneofCase.CreateRequest) _creates.Enqueue(new ExpectedCreate(request, null));
        }
        return requests;
    }

    /// <summary>Upstream answers creates in the order it got them: the client's own, and the watchers a resume re-created.</summary>
    private IReadOnlyList<WatchResponse> Created(WatchResponse response)
    {
        if (!_creates.TryDequeue(out var expected)) return [response];
        if (expected.ResumedWatchId is { } id)
        {
            if (!response.Canceled) return [];
            // The watcher could not be made again (upstream refused it): the client hears it is gone.
            _watchers.Remove(id);
            return [new WatchResponse { Header = response.Header, WatchId = id, Canceled = true, CancelReason = response.CancelReason }];
        }
        _unanswered.Remove(expected.Request!);
        if (response.WatchId >= _nextFreeId) _nextFreeId = response.WatchId + 1;
        if (!response.Canceled)
        {
            var create = expected.Request!.CreateRequest;
            // start_revision 0 means after the revision the created answer carries.
            var next = create.StartRevision > 0 ? create.StartRevision : response.Header.Revision + 1;
            _watchers[response.WatchId] = new Watcher(create, next);
        }
        return [response];
    }

    private IReadOnlyList<WatchResponse> Canceled(WatchResponse response)
    {
        _watchers.Remove(response.WatchId);
        Answered(WatchRequest.RequestUnionOneofCase.CancelRequest, request => request.CancelRequest.WatchId == response.WatchId);
        return [response];
    }

    /// <summary>
    /// Events of whole revisions: a fragmented response is held back until its last fragment, so that a
    /// resume never splits a revision between two upstreams.
    /// </summary>
    private IReadOnlyList<WatchResponse> Events(WatchResponse response)
    {
        if (!_watchers.TryGetValue(response.WatchId, out var watcher)) return [];
        watcher.Fragments.Add(response);
        if (response.Fragment) return [];
        var complete = watcher.Fragments.ToArray();
        watcher.Fragments.Clear();
        watcher.NextRevision = complete.SelectMany(r => r.Events).Select(e => e.Kv.ModRevision + 1).DefaultIfEmpty(watcher.NextRevision).Max();
        return complete;
    }

    /// <summary>A create that leaves the id to the server gets the next id never handed out; any other request is kept as it is.</summary>
    private WatchRequest WithFreeId(WatchRequest request)
    {
        if (request.RequestUnionCase != WatchRequest.RequestUnionOneofCase.CreateRequest || request.CreateRequest.WatchId != 0) return request;
        var explicitId = request.Clone();
        explicitId.CreateRequest.WatchId = _nextFreeId++;
        return explicitId;
    }

    private void Answered(WatchRequest.RequestUnionOneofCase kind, Func<WatchRequest, bool> matches)
    {
        var index = _unanswered.FindIndex(request => request.RequestUnionCase == kind && matches(request));
        if (index >= 0) _unanswered.RemoveAt(index);
    }

    /// <summary>A watcher the client was told about: how it was asked for, and the first revision it has not seen.</summary>
    private sealed class Watcher(WatchCreateRequest create, long nextRevision)
    {
        public WatchCreateRequest Create { get; } = create;
        public long NextRevision { get; set; } = nextRevision;
        public List<WatchResponse> Fragments { get; } = [];
    }

    /// <summary>A create upstream will answer: the client's own request, or a watcher re-created by a resume.</summary>
    private readonly record struct ExpectedCreate(WatchRequest? Request, long? ResumedWatchId);
}
