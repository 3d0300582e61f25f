using System.Threading.Channels;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Runtime.Grpc;
using Mvccpb;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>
/// Watches open on the leader's silo while it is SIGKILLed under a stream of writes: each client
/// re-watches from its last revision + 1 on a surviving member, as etcd clients do, and must end
/// up with exactly the history of its range — nothing missed, nothing twice, one revision's events
/// together and in order. A watch on a surviving member carries on untouched.
/// </summary>
public sealed class WatchFailoverTests
{
    private const string Prefix = "wf/";
    private const string HotKey = "wf/hot";
    private const int Writes = 300;
    private const int KillAfterWrites = 100;
    private static readonly TimeSpan CatchUpWithin = TimeSpan.FromSeconds(30);

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task LeaderKilled_WatchesResumedOnSurvivors_MissAndRepeatNothing()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var leader = await cluster.LeaderAsync();
        var survivors = cluster.Members.Where(m => m != leader).ToArray();
        var start = await WriteWithRetryAsync(survivors[0], c => c.PutAsync("wf-start", "0"), r => r.Header.Revision) + 1;

        var prefixRequest = new WatchCreateRequest { Key = B(Prefix), RangeEnd = B("wf0"), PrevKv = true };
        var keyRequest = new WatchCreateRequest { Key = B(HotKey) };
        var watches = new[]
        {
            new ResumableWatch("prefix with prev_kv on the leader", prefixRequest, start, [leader, .. survivors]),
            new ResumableWatch("one key on the leader", keyRequest, start, [leader, survivors[1], survivors[0]]),
            new ResumableWatch("prefix on a survivor", new WatchCreateRequest { Key = B(Prefix), RangeEnd = B("wf0") }, start, [survivors[1], survivors[0]]),
        };
        foreach (var watch in watches) await watch.StartAsync();

        var acknowledged = new List<(long Revision, string Key)>();
        for (var i = 0; i < Writes; i++)
        {
            if (i == KillAfterWrites) cluster.Kill(leader);
            acknowledged.AddRange(await WriteWithRetryAsync(survivors[0], c => OneWriteAsync(c, i), r => r));
        }
        var end = await WriteWithRetryAsync(survivors[0], c => c.PutAsync(HotKey, "end"), r => r.Header.Revision);

        foreach (var watch in watches) await watch.WaitForRevisionAsync(end, CatchUpWithin);
        var history = await HistoryAsync(survivors[1], prefixRequest, start, end);

        var acknowledgedMissing = acknowledged.Where(a => !history.Any(e => e.ModRevision == a.Revision && e.Key == a.Key)).ToArray();
        Assert.True(acknowledgedMissing.Length == 0, $"acknowledged writes missing from the history: {string.Join(", ", acknowledgedMissing)}");
        Assert.True(watches[0].Resumes >= 1 && watches[1].Resumes >= 1, "the leader's watches were never cut off, so nothing was resumed");
        Assert.True(watches[0].EventsBeforeFirstResume > 0, "the leader's watch saw nothing before the kill");

        Assert.Equal(history, watches[0].Events);
        Assert.Equal(history.Where(e => e.Key == HotKey).Select(e => e with { PrevValue = null }), watches[1].Events);
        Assert.Equal(history.Select(e => e with { PrevValue = null }), watches[2].Events);
        foreach (var watch in watches) await watch.DisposeAsync();
    }

    /// <summary>Puts to the hot key and to twenty others, deletes, and txns writing two keys in one revision.</summary>
    private static async Task<IReadOnlyList<(long Revision, string Key)>> OneWriteAsync(EtcdClient client, int i)
    {
        var key = $"wf/k{i % 20:D2}";
        if (i % 11 == 5)
        {
            var txn = await client.TxnAsync(new TxnRequest
            {
                Success =
                {
                    new RequestOp { RequestPut = new PutRequest { Key = B(key), Value = B($"t{i}") } },
                    new RequestOp { RequestPut = new PutRequest { Key = B(HotKey), Value = B($"t{i}") } },
                },
            });
            return [(txn.Header.Revision, key), (txn.Header.Revision, HotKey)];
        }
        if (i % 7 == 3)
        {
            var deleted = await client.DeleteRangeAsync(new DeleteRangeRequest { Key = B(key) });
            return deleted.Deleted == 0 ? [] : [(deleted.Header.Revision, key)];
        }
        var target = i % 3 == 0 ? HotKey : key;
        var put = await client.PutAsync(target, $"v{i}");
        return [(put.Header.Revision, target)];
    }

    /// <summary>
    /// Retries a write through the same survivor until it is acknowledged. A retried write may have
    /// happened twice; that is fine here, the history (not the writer) is the reference.
    /// </summary>
    private static async Task<T> WriteWithRetryAsync<TResponse, T>(GrainKvCluster.Member member, Func<EtcdClient, Task<TResponse>> write, Func<TResponse, T> result)
    {
        var deadline = DateTime.UtcNow + CatchUpWithin;
        while (true)
        {
            using var client = new EtcdClient(member.ClientUrl);
            try
            {
                return result(await write(client));
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The reference: the range's history replayed by a fresh watch from <paramref name="start"/>.</summary>
    private static async Task<List<SeenEvent>> HistoryAsync(GrainKvCluster.Member member, WatchCreateRequest request, long start, long end)
    {
        var replay = new ResumableWatch("history replay", request, start, [member]);
        await replay.StartAsync();
        await replay.WaitForRevisionAsync(end, CatchUpWithin);
        await replay.DisposeAsync();
        Assert.Equal(0, replay.Resumes);
        return replay.Events;
    }

    internal sealed record SeenEvent(long ModRevision, string Key, Event.Types.EventType Type, string Value, string? PrevValue);

    /// <summary>
    /// What an etcd client does with a watch: read events; when the stream breaks, open it again on
    /// the next member from the revision after the last one seen.
    /// </summary>
    private sealed class ResumableWatch(string name, WatchCreateRequest request, long startRevision, GrainKvCluster.Member[] members) : IAsyncDisposable
    {
        private readonly Channel<long> _revisions = Channel.CreateUnbounded<long>();
        private readonly CancellationTokenSource _stop = new();
        private Task? _loop;
        private WatchSession? _session;

        public List<SeenEvent> Events { get; } = [];
        public int Resumes { get; private set; }
        public int EventsBeforeFirstResume { get; private set; } = -1;

        public async Task StartAsync()
        {
            var created = new TaskCompletionSource();
            _loop = Task.Run(() => RunAsync(created));
            await created.Task.WaitAsync(CatchUpWithin);
        }

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
                var member = members[attempt % members.Length];
                if (!member.IsRunning) continue;
                if (attempt > 0)
                {
                    Resumes++;
                    if (EventsBeforeFirstResume < 0) EventsBeforeFirstResume = Events.Count;
                }
                using var client = new EtcdClient(member.ClientUrl);
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
}
