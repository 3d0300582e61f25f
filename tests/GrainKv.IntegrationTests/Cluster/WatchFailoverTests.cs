using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using Grpc.Core;

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
            new ResumingWatch("prefix with prev_kv on the leader", prefixRequest, start, ClientUrls([leader, .. survivors])),
            new ResumingWatch("one key on the leader", keyRequest, start, ClientUrls([leader, survivors[1], survivors[0]])),
            new ResumingWatch("prefix on a survivor", new WatchCreateRequest { Key = B(Prefix), RangeEnd = B("wf0") }, start, ClientUrls([survivors[1], survivors[0]])),
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

    private static Uri[] ClientUrls(GrainKvCluster.Member[] members) => members.Select(m => m.ClientUrl).ToArray();

    private static Task<List<SeenEvent>> HistoryAsync(GrainKvCluster.Member member, WatchCreateRequest request, long start, long end) =>
        ResumingWatch.HistoryAsync(member.ClientUrl, request, start, end, CatchUpWithin);
}
