using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Differential;

/// <summary>
/// Watch streams against etcd 3.4 and GrainKv. Both get the same watches and the same writes;
/// what each stream delivers must match: created and canceled answers, and the flattened event
/// sequence (etcd may group revisions into responses differently, so grouping is not compared).
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class WatchDifferentialTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly DifferentialFixture _both;

    public WatchDifferentialTests(DifferentialFixture both)
    {
        _both = both;
    }

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    /// <summary>
    /// The stream's story without ids, terms and response boundaries, watcher by watcher: responses
    /// of different watchers interleave freely, each watcher's own order is what must match.
    /// </summary>
    private static List<string> Story(IEnumerable<WatchResponse> responses) =>
        OneStory(responses).OrderBy(line => line.WatchId).Select(line => line.Text).ToList();

    private static List<(long WatchId, string Text)> OneStory(IEnumerable<WatchResponse> responses)
    {
        var story = new List<(long, string)>();
        foreach (var response in responses)
        {
            if (response.Created || response.Canceled || response.CompactRevision != 0)
            {
                story.Add((response.WatchId, $"watch {response.WatchId} created={response.Created} canceled={response.Canceled} compact={response.CompactRevision} reason='{response.CancelReason}'"));
            }
            foreach (var e in response.Events)
            {
                story.Add((response.WatchId, $"watch {response.WatchId} {Outcome.Normalize(e)}"));
            }
        }
        return story;
    }

    private static int EventCount(IReadOnlyList<WatchResponse> responses) => responses.Sum(r => r.Events.Count);

    private static int EventCount(IReadOnlyList<WatchResponse> responses, long watchId) =>
        responses.Where(r => r.WatchId == watchId).Sum(r => r.Events.Count);

    private async Task<(List<WatchResponse> Etcd, List<WatchResponse> GrainKv)> WatchBothAsync(
        IReadOnlyList<WatchCreateRequest> creates, Func<EtcdClient, Task> writes, Func<IReadOnlyList<WatchResponse>, bool> done)
    {
        await using var etcd = new WatchSession(_both.EtcdClient);
        await using var grainKv = new WatchSession(_both.GrainKvClient);
        foreach (var create in creates)
        {
            await etcd.CreateAsync(create);
            await grainKv.CreateAsync(create);
        }
        await etcd.CollectAsync(r => r.Count(x => x.Created) == creates.Count, Patience);
        await grainKv.CollectAsync(r => r.Count(x => x.Created) == creates.Count, Patience);
        await writes(_both.EtcdClient);
        await writes(_both.GrainKvClient);
        return (await etcd.CollectAsync(done, Patience), await grainKv.CollectAsync(done, Patience));
    }

    [Fact]
    public async Task LiveEvents_PrefixWithPrevKvAndFilters_MatchEtcd()
    {
        var head = (await _both.BothAsync("head", c => c.PutAsync("wlive/seed", "0"))).Response as PutResponse;
        var from = head!.Header.Revision + 1;
        WatchCreateRequest[] creates =
        [
            new() { Key = B("wlive/"), RangeEnd = B("wlive0"), StartRevision = from, PrevKv = true },
            new() { Key = B("wlive/a"), StartRevision = from, Filters = { WatchCreateRequest.Types.FilterType.Nodelete } },
            new() { Key = B("wlive/"), RangeEnd = B("wlive0"), StartRevision = from, Filters = { WatchCreateRequest.Types.FilterType.Noput } },
        ];
        var (etcd, grainKv) = await WatchBothAsync(creates, async c =>
        {
            await c.PutAsync("wlive/a", "1");
            await c.PutAsync("wlive/a", "2");
            await c.PutAsync("wlive/b", "1");
            await c.DeleteRangeAsync(new DeleteRangeRequest { Key = B("wlive/"), RangeEnd = B("wlive0") });
            await c.TxnAsync(new TxnRequest
            {
                Success =
                {
                    new RequestOp { RequestPut = new PutRequest { Key = B("wlive/c"), Value = B("x") } },
                    new RequestOp { RequestPut = new PutRequest { Key = B("wlive/a"), Value = B("y") } },
                },
            });
        }, r => EventCount(r, 0) >= 7 && EventCount(r, 1) >= 3 && EventCount(r, 2) >= 2);

        Assert.Equal(Story(etcd), Story(grainKv));
    }

    [Fact]
    public async Task HistoryReplay_FromAPastRevision_MatchesEtcd()
    {
        var first = (await _both.BothAsync("first", c => c.PutAsync("whist/a", "1"))).Response as PutResponse;
        await _both.BothAsync("second", c => c.PutAsync("whist/b", "1"));
        await _both.BothAsync("third", c => c.PutAsync("whist/a", "2"));
        await _both.BothAsync("delete", c => c.DeleteRangeAsync(new DeleteRangeRequest { Key = B("whist/b") }));
        WatchCreateRequest[] creates = [new() { Key = B("whist/"), RangeEnd = B("whist0"), StartRevision = first!.Header.Revision, PrevKv = true }];

        var (etcd, grainKv) = await WatchBothAsync(creates, c => c.PutAsync("whist/c", "1"), r => EventCount(r) >= 5);

        Assert.Equal(Story(etcd), Story(grainKv));
    }

    [Fact]
    public async Task BadCreates_AreAnsweredCreatedAndCanceledAsByEtcd()
    {
        WatchCreateRequest[] creates =
        [
            new() { Key = B("wbad/b"), RangeEnd = B("wbad/a") },
            new() { Key = B("wbad/x"), WatchId = 7 },
            new() { Key = B("wbad/y"), WatchId = 7 },
        ];
        await using var etcd = new WatchSession(_both.EtcdClient);
        await using var grainKv = new WatchSession(_both.GrainKvClient);
        foreach (var create in creates)
        {
            await etcd.CreateAsync(create);
            await grainKv.CreateAsync(create);
        }
        var expected = await etcd.CollectAsync(r => r.Count >= 3, Patience);
        var actual = await grainKv.CollectAsync(r => r.Count >= 3, Patience);
        Assert.Equal(Story(expected), Story(actual));
    }

    [Fact]
    public async Task CompactedStart_IsCreatedThenCanceledWithTheCompactRevision()
    {
        await _both.BothAsync("a", c => c.PutAsync("wcmp/a", "1"));
        var second = (await _both.BothAsync("b", c => c.PutAsync("wcmp/a", "2"))).Response as PutResponse;
        await _both.BothAsync("compact", c => c.CompactAsync(new CompactionRequest { Revision = second!.Header.Revision }));
        WatchCreateRequest create = new() { Key = B("wcmp/a"), StartRevision = second!.Header.Revision - 1 };

        await using var etcd = new WatchSession(_both.EtcdClient);
        await using var grainKv = new WatchSession(_both.GrainKvClient);
        await etcd.CreateAsync(create);
        await grainKv.CreateAsync(create);
        var expected = await etcd.CollectAsync(r => r.Any(x => x.Canceled), Patience);
        var actual = await grainKv.CollectAsync(r => r.Any(x => x.Canceled), Patience);
        Assert.Equal(Story(expected), Story(actual));
    }
}
