using System.Diagnostics;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace GrainKv.Bench;

/// <summary>
/// One Watch stream of a watch-latency run: creates its watchers on one key, then times each event against the
/// moment its put was sent and checks that every watcher gets every put once, in order. Its tally is complete
/// once <see cref="DisposeAsync"/> returns; until then only its reader task touches it.
/// </summary>
public sealed class WatchLatencyStream : TimedDuplexStream<WatchRequest, WatchResponse>
{
    private readonly ByteString _key;
    private readonly int _watchers;
    private readonly long[] _putSentTimestamps;
    private readonly EventCountdown _countdown;
    private readonly TaskCompletionSource _allCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<long, int> _nextPutByWatchId = [];

    /// <param name="putSentTimestamps">When each put was sent, on the <see cref="Stopwatch"/> scale; written before the put goes out.</param>
    public WatchLatencyStream(EtcdConnection connection, ByteString key, int watchers, long[] putSentTimestamps, EventCountdown countdown)
        : base(connection.Watch.Watch())
    {
        _key = key;
        _watchers = watchers;
        _putSentTimestamps = putSentTimestamps;
        _countdown = countdown;
        StartReading();
    }

    /// <summary>Put-sent to event-received, one value per event.</summary>
    public LatencyHistogram Delivery { get; } = new();

    public long EventsReceived { get; private set; }

    /// <summary>Events that were not the next put their watcher expected: duplicates, gaps or another writer's puts.</summary>
    public long EventsOutOfOrder { get; private set; }

    /// <summary>Why the stream stopped delivering before the run closed it, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// Sends the create requests and waits until the server confirmed every watcher. Throws <see cref="RpcException"/>
    /// if the stream fails first.
    /// </summary>
    public async Task CreateWatchersAsync(CancellationToken ct)
    {
        var create = new WatchRequest { CreateRequest = new WatchCreateRequest { Key = _key } };
        try
        {
            for (int i = 0; i < _watchers; i++)
            {
                await Call.RequestStream.WriteAsync(create, ct);
            }
        }
        catch (Exception error) when (CallFailure.IsCallOver(error, ct))
        {
            // The reader fails the creation with the server's status.
        }

        await _allCreated.Task.WaitAsync(ct);
    }

    protected override bool OnResponse(WatchResponse response, long receivedTimestamp)
    {
        if (response.Canceled)
        {
            Fail($"watch {response.WatchId} canceled by the server: {response.CancelReason}");
            return false;
        }

        if (response.Created)
        {
            _nextPutByWatchId.Add(response.WatchId, 0);
            if (_nextPutByWatchId.Count == _watchers)
            {
                _allCreated.TrySetResult();
            }

            return true;
        }

        Tally(response, receivedTimestamp);
        return true;
    }

    protected override void OnEnded() => Fail("the server ended the watch stream");

    protected override void OnFailed(string reason)
    {
        Error = reason;
        _allCreated.TrySetException(new RpcException(new Status(StatusCode.Unavailable, $"a watch stream failed: {reason}")));
    }

    private void Tally(WatchResponse response, long receivedTimestamp)
    {
        bool known = _nextPutByWatchId.TryGetValue(response.WatchId, out int nextPut);
        foreach (var change in response.Events)
        {
            int putNumber = PutNumberValue.Read(change.Kv.Value, _putSentTimestamps.Length);
            if (!known || putNumber != nextPut)
            {
                EventsOutOfOrder++;
            }
            else
            {
                nextPut++;
            }

            if (putNumber >= 0)
            {
                long sentTimestamp = Volatile.Read(ref _putSentTimestamps[putNumber]);
                Delivery.Record(StopwatchTime.NanosecondsBetween(sentTimestamp, receivedTimestamp));
            }
        }

        if (known)
        {
            _nextPutByWatchId[response.WatchId] = nextPut;
        }

        EventsReceived += response.Events.Count;
        _countdown.Signal(response.Events.Count);
    }
}
