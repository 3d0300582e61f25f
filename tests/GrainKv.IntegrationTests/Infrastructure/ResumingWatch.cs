using System.Threading.Channels;
using Etcdserverpb;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// What an etcd client does with a watch: read events; when the stream breaks, open it again on the
/// next endpoint from the revision after the last one seen. Through a stand-alone gateway it never
/// needs to: <see cref="Resumes"/> stays 0.
/// </summary>
public sealed class ResumingWatch(string name, WatchCreateRequest request, long startRevision, IReadOnlyList<Uri> endpoints) : IAsyncDisposable
{
    private static readonly TimeSpan CreatedWithin = TimeSpan.FromSeconds(30);

    private readonly Channel<long> _revisions = Channel.CreateUnbounded<long>();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private WatchSession? _session;

    public List<SeenEvent> Events { get; } = [];
    public int Resumes { get; private set; }
    public int EventsBeforeFirstResume { get; private set; } = -1;

    /// <summary>The reference history of a range: a fresh watch from <paramref name="start"/> replays it up to <paramref name="end"/>.</summary>
    public static async Task<List<SeenEvent>> HistoryAsync(Uri endpoint, WatchCreateRequest request, long start, long end, TimeSpan within)
    {
        var replay = new ResumingWatch("history replay", request, start, [endpoint]);
        await replay.StartAsync();
        await replay.WaitForRevisionAsync(end, within);
        await replay.DisposeAsync();
        Assert.Equal(0, replay.Resumes);
        return replay.Events;
    }

    public async Task StartAsync()
    {
        var created = new TaskCompletionSource();
        _loop = Task.Run(() => RunAsync(created));
        await created.Task.WaitAsync(CreatedWithin);
    }

    /// <summary>Waits until an event at <paramref name="revision"/> or later was seen.</summary>
    public async Task WaitForRevisionAsync(long revision, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (await _revisions.Reader.ReadAsync(timeout.Token) < revision)
            {
            }
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{name}: reached revision {Events.LastOrDefault()?.ModRevision} and not {revision} within {within}");
        }
    }

    private async Task RunAsync(TaskCompletionSource created)
    {
        var next = startRevision;
        for (var attempt = 0; !_stop.IsCancellationRequested; attempt++)
        {
            if (attempt > 0)
            {
                Resumes++;
                if (EventsBeforeFirstResume < 0) EventsBeforeFirstResume = Events.Count;
            }
            using var client = new EtcdClient(endpoints[attempt % endpoints.Count]);
            var session = new WatchSession(client);
            _session = session;
            try
            {
                var create = request.Clone();
                create.StartRevision = next;
                await session.CreateAsync(create);
                while (await session.NextAsync(Timeout.InfiniteTimeSpan) is { } response)
                {
                    if (response.Created) created.TrySetResult();
                    foreach (var e in response.Events)
                    {
                        Events.Add(new SeenEvent(e.Kv.ModRevision, e.Kv.Key.ToStringUtf8(), e.Type, e.Kv.Value.ToStringUtf8(),
                            request.PrevKv ? e.PrevKv?.Value.ToStringUtf8() : null));
                    }
                    if (response.Events.Count > 0)
                    {
                        next = response.Events[^1].Kv.ModRevision + 1;
                        _revisions.Writer.TryWrite(next - 1);
                    }
                }
            }
            catch (Exception ex) when (ex is ChannelClosedException or RpcException or HttpRequestException or IOException)
            {
            }
            finally
            {
                if (Interlocked.CompareExchange(ref _session, null, session) == session) await session.DisposeAsync();
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        // Closing the open stream wakes the loop from its read.
        if (Interlocked.Exchange(ref _session, null) is { } session) await session.DisposeAsync();
        if (_loop is not null) await _loop;
    }
}
