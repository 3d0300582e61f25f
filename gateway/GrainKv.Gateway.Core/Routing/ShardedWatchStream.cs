using System.Threading.Channels;
using Etcdserverpb;
using GrainKv.Grains.Sharding;
using GrainKv.Watch;
using Grpc.Core;

namespace GrainKv.Gateway.Routing;

/// <summary>
/// One client Watch stream over a cluster of several shards: each watcher lives on the stream of the shard that holds
/// its keys (opened when first needed) under an id this stream gives out as etcd does (the one asked for, else the
/// lowest unused from a counter that never goes back), so shards' streams never clash; their responses come out as
/// each stream sends them. A progress request goes to every shard stream in use and is answered once, with the least
/// revision they answered (every watcher has had everything up to it). A watcher over keys of several shards is
/// refused for now (merging their events in revision order is still to come).
/// </summary>
public sealed class ShardedWatchStream : IWatchStream
{
    private readonly IWatchSource _source;
    private readonly ShardMap _map;
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, IWatchStream> _streams = [];
    private readonly Dictionary<long, ulong> _shardOfWatcher = [];
    private readonly Channel<IReadOnlyList<WatchResponse>> _output = Channel.CreateUnbounded<IReadOnlyList<WatchResponse>>();
    private readonly CancellationTokenSource _closed = new();
    /// <summary>Progress requests in the order asked: the shard streams yet to answer each, and the least revision answered so far.</summary>
    private readonly List<(HashSet<IWatchStream> Awaiting, long Revision)> _progress = [];
    private long _nextWatchId;

    private ShardedWatchStream(IWatchSource source, ShardMap map)
    {
        _source = source;
        _map = map;
    }

    /// <summary>A Watch stream over the whole key space: the one shard's own, or one over several.</summary>
    public static IWatchStream Open(IWatchSource source, ShardMap map) =>
        map.HasSeveralShards ? new ShardedWatchStream(source, map) : source.Open(map.ClusterStateShard);

    public void Send(WatchRequest request)
    {
        switch (request.RequestUnionCase)
        {
            case WatchRequest.RequestUnionOneofCase.CreateRequest:
                Create(request.CreateRequest);
                break;
            case WatchRequest.RequestUnionOneofCase.CancelRequest:
                ulong shard;
                lock (_gate)
                {
                    if (!_shardOfWatcher.TryGetValue(request.CancelRequest.WatchId, out shard)) return;
                }
                StreamOf(shard).Send(request);
                break;
            case WatchRequest.RequestUnionOneofCase.ProgressRequest:
                IWatchStream[] open;
                lock (_gate) open = [.. _streams.Values];
                if (open.Length == 0) open = [StreamOf(_map.ClusterStateShard)];
                lock (_gate) _progress.Add(([.. open], long.MaxValue));
                foreach (var stream in open) stream.Send(request);
                break;
        }
    }

    public async Task<IReadOnlyList<WatchResponse>> ReceiveAsync(CancellationToken ct) => await _output.Reader.ReadAsync(ct);

    public void Dispose()
    {
        _closed.Cancel();
        lock (_gate)
        {
            foreach (var stream in _streams.Values) stream.Dispose();
            _streams.Clear();
        }
    }

    private void Create(WatchCreateRequest request)
    {
        var shards = _map.ShardsFor(request.Key.Span, request.RangeEnd.Span);
        if (shards.Count != 1)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "grainkv: a watch over keys of several shards is not supported yet"));
        }
        var create = request.Clone();
        lock (_gate)
        {
            // An id in use goes to the shard that uses it, which refuses it as etcd does.
            if (create.WatchId != 0 && _shardOfWatcher.TryGetValue(create.WatchId, out var user))
            {
                shards = [user];
            }
            else
            {
                if (create.WatchId == 0)
                {
                    while (_shardOfWatcher.ContainsKey(_nextWatchId)) _nextWatchId++;
                    // Id 0 is asked for as "any": a shard's stream gives 0 to its first such watcher, and this is the only one.
                    create.WatchId = _nextWatchId++;
                }
                _shardOfWatcher[create.WatchId] = shards[0];
            }
        }
        StreamOf(shards[0]).Send(new WatchRequest { CreateRequest = create });
    }

    private IWatchStream StreamOf(ulong shardId)
    {
        lock (_gate)
        {
            if (_streams.TryGetValue(shardId, out var stream)) return stream;
            stream = _source.Open(shardId);
            _streams.Add(shardId, stream);
            _ = PumpAsync(stream);
            return stream;
        }
    }

    private static bool IsProgressAnswer(WatchResponse response) =>
        response is { WatchId: WatchResponses.NoWatchId, Created: false, Canceled: false, Events.Count: 0 };

    /// <summary>
    /// A shard stream answered the oldest progress request it had not answered; the requests all streams have answered,
    /// oldest first, become one answer each. The caller holds the gate.
    /// </summary>
    private List<WatchResponse> ProgressAnswered(IWatchStream stream, long revision)
    {
        var index = _progress.FindIndex(p => p.Awaiting.Contains(stream));
        if (index >= 0)
        {
            _progress[index].Awaiting.Remove(stream);
            _progress[index] = (_progress[index].Awaiting, Math.Min(_progress[index].Revision, revision));
        }
        var answers = new List<WatchResponse>();
        while (_progress.Count > 0 && _progress[0].Awaiting.Count == 0)
        {
            answers.Add(WatchResponses.Progress(_progress[0].Revision, WatchResponses.NoWatchId));
            _progress.RemoveAt(0);
        }
        return answers;
    }

    /// <summary>Passes a shard stream's responses on, forgetting the watchers they end.</summary>
    private async Task PumpAsync(IWatchStream stream)
    {
        try
        {
            while (true)
            {
                var responses = await stream.ReceiveAsync(_closed.Token);
                var passed = new List<WatchResponse>(responses.Count);
                lock (_gate)
                {
                    foreach (var response in responses)
                    {
                        if (response.Canceled) _shardOfWatcher.Remove(response.WatchId);
                        if (IsProgressAnswer(response)) passed.AddRange(ProgressAnswered(stream, response.Header.Revision));
                        else passed.Add(response);
                    }
                }
                if (passed.Count > 0) _output.Writer.TryWrite(passed);
            }
        }
        catch (OperationCanceledException) when (_closed.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            _output.Writer.TryComplete(error);
        }
    }
}
