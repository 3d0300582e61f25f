using System.Text.Json.Nodes;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Sharding;

/// <summary>
/// Three silos holding four shards (--initial-shards 4): each key lives on its shard, and writes anywhere take their
/// revisions from group 0's oracle, so they increase across shards in real-time order.
/// </summary>
public sealed class ShardedClusterTests
{
    /// <summary>One key on each of the four even shards (cut at "7g", "OO" and "g7").</summary>
    internal static readonly string[] KeyPerShard = ["0key", "Bkey", "akey", "zkey"];

    [Fact]
    public async Task FourShards_WritesThroughAnyMember_TakeIncreasingRevisions_AndEveryMemberReadsThemBack()
    {
        using var cluster = await StartFourShardsAsync();
        var clients = cluster.Members.Select(m => new EtcdClient(m.ClientUrl)).ToArray();
        try
        {
            var written = new Dictionary<string, long>();
            long last = 0;
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < KeyPerShard.Length; i++)
                {
                    var put = await clients[(round + i) % clients.Length].PutAsync(KeyPerShard[i], $"v{round}");
                    Assert.True(put.Header.Revision > last, $"put of {KeyPerShard[i]} got revision {put.Header.Revision} after {last}");
                    last = put.Header.Revision;
                    written[KeyPerShard[i]] = last;
                }
            }

            foreach (var client in clients)
            {
                foreach (var key in KeyPerShard)
                {
                    var kv = Assert.Single((await client.RangeAsync(new RangeRequest { Key = B(key) })).Kvs);
                    Assert.Equal(("v2", written[key], 3L), (kv.Value.ToStringUtf8(), kv.ModRevision, kv.Version));
                }
            }

            var txn = await clients[1].TxnAsync(new TxnRequest
            {
                Compare = { new Compare { Key = B("akey"), Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = written["akey"] } },
                Success = { new RequestOp { RequestPut = new PutRequest { Key = B("akey"), Value = B("txn") } }, new RequestOp { RequestPut = new PutRequest { Key = B("ab"), Value = B("txn") } } },
            });
            Assert.True(txn.Succeeded);
            Assert.True(txn.Header.Revision > last);
            var prefix = await clients[2].RangeAsync(new RangeRequest { Key = B("a"), RangeEnd = B("b") });
            Assert.Equal([("ab", txn.Header.Revision), ("akey", txn.Header.Revision)], prefix.Kvs.Select(kv => (kv.Key.ToStringUtf8(), kv.ModRevision)));

            var deleted = await clients[0].DeleteRangeAsync(new DeleteRangeRequest { Key = B("zkey") });
            Assert.Equal(1, deleted.Deleted);
            Assert.True(deleted.Header.Revision > txn.Header.Revision);
            // endpoint status reports the latest revision of any shard the member holds.
            Assert.Equal(deleted.Header.Revision, (await clients[0].StatusAsync()).Header.Revision);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Fact]
    public async Task FourShards_RangeOverEveryShard_ReadsAllAtOneRevision_WithLimitSortAndCount()
    {
        using var cluster = await StartFourShardsAsync();
        using var client = new EtcdClient(cluster.Members[1].ClientUrl);
        var revisions = new Dictionary<string, long>();
        foreach (var key in KeyPerShard.Reverse()) revisions[key] = (await client.PutAsync(key, $"value of {key}")).Header.Revision;
        var last = revisions.Values.Max();

        var all = await client.RangeAsync(new RangeRequest { Key = B("\0"), RangeEnd = B("\0") });
        Assert.Equal(KeyPerShard, all.Kvs.Select(kv => kv.Key.ToStringUtf8()));
        Assert.All(all.Kvs, kv => Assert.Equal(revisions[kv.Key.ToStringUtf8()], kv.ModRevision));
        Assert.Equal((4L, false), (all.Count, all.More));
        Assert.True(all.Header.Revision > last, $"a read after the writes reads at {all.Header.Revision}, not after {last}");

        var newestTwo = await client.RangeAsync(new RangeRequest
        {
            Key = B("\0"), RangeEnd = B("\0"), Limit = 2, SortTarget = RangeRequest.Types.SortTarget.Mod, SortOrder = RangeRequest.Types.SortOrder.Descend, KeysOnly = true,
        });
        Assert.Equal(["0key", "Bkey"], newestTwo.Kvs.Select(kv => kv.Key.ToStringUtf8()));
        Assert.All(newestTwo.Kvs, kv => Assert.True(kv.Value.IsEmpty));
        Assert.Equal((4L, true), (newestTwo.Count, newestTwo.More));

        var before = await client.RangeAsync(new RangeRequest { Key = B("\0"), RangeEnd = B("\0"), Revision = revisions["Bkey"], CountOnly = true });
        Assert.Equal(3, before.Count);

        var etcdctl = await Infrastructure.Etcdctl.RunAsync(cluster.Endpoints, null, "get", "", "--prefix", "--keys-only", "--limit", "3");
        Assert.True(etcdctl.ExitCode == 0, etcdctl.Stderr);
        Assert.Equal("0key\n\nBkey\n\nakey\n\n", etcdctl.Stdout);
    }

    [Fact]
    public async Task FourShards_TxnsSpanningShards_AreRefusedAsNotSupportedYet_AndCompactionCoversEveryShard()
    {
        using var cluster = await StartFourShardsAsync();
        using var client = new EtcdClient(cluster.Members[0].ClientUrl);
        var first = (await client.PutAsync("0key", "old")).Header.Revision;
        await client.PutAsync("zkey", "old");
        await client.PutAsync("0key", "new");
        var last = (await client.PutAsync("zkey", "new")).Header.Revision;

        var txn = await Assert.ThrowsAsync<RpcException>(() => client.TxnAsync(new TxnRequest
        {
            Success = { new RequestOp { RequestPut = new PutRequest { Key = B("0key"), Value = B("x") } }, new RequestOp { RequestPut = new PutRequest { Key = B("zkey"), Value = B("x") } } },
        }));
        Assert.Equal(StatusCode.Unimplemented, txn.StatusCode);
        var leased = await Assert.ThrowsAsync<RpcException>(() => client.PutAsync(new PutRequest { Key = B("zkey"), Value = B("x"), Lease = 5 }));
        Assert.Equal(StatusCode.Unimplemented, leased.StatusCode);
        var futureRead = await Assert.ThrowsAsync<RpcException>(() => client.RangeAsync(new RangeRequest { Key = B("\0"), RangeEnd = B("\0"), Revision = last + 1_000_000 }));
        Assert.Equal("etcdserver: mvcc: required revision is a future revision", futureRead.Status.Detail);

        var future = await Assert.ThrowsAsync<RpcException>(() => client.CompactAsync(new CompactionRequest { Revision = last + 1_000_000 }));
        Assert.Equal("etcdserver: mvcc: required revision is a future revision", future.Status.Detail);
        await client.CompactAsync(new CompactionRequest { Revision = last });
        foreach (var key in new[] { "0key", "zkey" })
        {
            var compacted = await Assert.ThrowsAsync<RpcException>(() => client.RangeAsync(new RangeRequest { Key = B(key), Revision = first }));
            Assert.Equal("etcdserver: mvcc: required revision has been compacted", compacted.Status.Detail);
            Assert.Equal("new", Assert.Single((await client.RangeAsync(new RangeRequest { Key = B(key) })).Kvs).Value.ToStringUtf8());
        }
    }

    [Fact]
    public async Task FourShards_OneWatchStream_HoldsWatchersOnDifferentShards_EachGetsItsEventsUnderItsOwnId()
    {
        using var cluster = await StartFourShardsAsync();
        using var client = new EtcdClient(cluster.Members[0].ClientUrl);
        await using var watch = new WatchSession(client);

        await watch.CreateAsync(new WatchCreateRequest { Key = B("zkey") });
        await watch.CreateAsync(new WatchCreateRequest { Key = B("B"), RangeEnd = B("C"), PrevKv = true });
        await watch.CreateAsync(new WatchCreateRequest { Key = B("0key"), WatchId = 7 });
        var created = await watch.CollectAsync(r => r.Count == 3, TimeSpan.FromSeconds(10));
        Assert.All(created, r => Assert.True(r.Created));
        Assert.Equal([0L, 1, 7], created.Select(r => r.WatchId).Order());

        // Three shards' streams answer a progress request; the client hears one answer.
        await watch.RequestProgressAsync();
        var progress = await watch.NextAsync(TimeSpan.FromSeconds(10));
        Assert.True(progress is { WatchId: -1, Created: false, Canceled: false, Events.Count: 0 }, $"{progress}");
        Assert.Null(await watch.NextAsync(TimeSpan.FromMilliseconds(500)));

        var z = (await client.PutAsync("zkey", "1")).Header.Revision;
        var b = (await client.PutAsync("Bkey", "1")).Header.Revision;
        await client.PutAsync("Bkey", "2");
        var events = await watch.CollectAsync(r => r.Sum(e => e.Events.Count) == 3, TimeSpan.FromSeconds(10));
        Assert.Equal([(0L, "zkey", z)], events.Where(r => r.WatchId == 0).SelectMany(r => r.Events).Select(e => (0L, e.Kv.Key.ToStringUtf8(), e.Kv.ModRevision)));
        var onB = events.Where(r => r.WatchId == 1).SelectMany(r => r.Events).ToList();
        Assert.Equal(["1", "2"], onB.Select(e => e.Kv.Value.ToStringUtf8()));
        Assert.Equal(b, onB[1].PrevKv.ModRevision);

        await watch.CancelAsync(0);
        var canceled = await watch.NextAsync(TimeSpan.FromSeconds(10));
        Assert.True(canceled is { Canceled: true, WatchId: 0 });
        await client.PutAsync("zkey", "2");
        await client.PutAsync("0key", "1");
        var after = await watch.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, after!.WatchId);
        Assert.Equal("0key", Assert.Single(after.Events).Kv.Key.ToStringUtf8());

        using var spanning = client.Watch();
        await spanning.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = B("\0"), RangeEnd = B("\0") } });
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await spanning.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
    }

    [Fact]
    public async Task FourShards_ThroughAStandAloneGateway_WritesReadsRangesAndWatchesWork()
    {
        using var cluster = await StartFourShardsAsync();
        using var gateway = await GrainKvGateway.StartAsync(cluster);
        using var client = new EtcdClient(gateway.ClientUrl);
        await using var watch = new WatchSession(client);
        await watch.CreateAsync(new WatchCreateRequest { Key = B("zkey") });
        Assert.True((await watch.NextAsync(TimeSpan.FromSeconds(10)))!.Created);

        long last = 0;
        foreach (var key in KeyPerShard)
        {
            var put = await client.PutAsync(key, $"via gateway {key}");
            Assert.True(put.Header.Revision > last);
            last = put.Header.Revision;
        }

        var all = await client.RangeAsync(new RangeRequest { Key = B("\0"), RangeEnd = B("\0") });
        Assert.Equal(KeyPerShard, all.Kvs.Select(kv => kv.Key.ToStringUtf8()));
        Assert.True(all.Header.Revision > last);
        var seen = await watch.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(("zkey", last), (Assert.Single(seen!.Events).Kv.Key.ToStringUtf8(), seen.Events[0].Kv.ModRevision));
    }

    [Fact]
    public async Task AdminTool_ListsTheShards_WithLeadersSpreadOverTheSilos_AndMovesAShardsLeadership()
    {
        using var cluster = await StartFourShardsAsync();
        using (var client = new EtcdClient(cluster.Members[0].ClientUrl))
        {
            foreach (var key in KeyPerShard) await client.PutAsync(key, "v");
        }

        // Each shard's leader moves to its first replica when that silo starts: the map spreads first replicas over the silos.
        var shards = await ShardsOnceLeadersSettleAsync(cluster);
        Assert.All(shards, s => Assert.Equal(s!["replicas"]![0]!.GetValue<ulong>(), s["leader"]!.GetValue<ulong>()));
        Assert.Equal(3, shards.Select(s => s!["leader"]!.GetValue<ulong>()).Distinct().Count());
        // The silos that asked for leadership are done asking before an operator moves one.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal([1UL, 2, 3, 4], shards.Select(s => s!["id"]!.GetValue<ulong>()));
        Assert.Equal(["", "7g", "OO", "g7"], shards.Select(s => Text(s!["start"]!)));
        Assert.Equal(["7g", "OO", "g7", ""], shards.Select(s => Text(s!["end"]!)));
        Assert.All(shards, s =>
        {
            var replicas = s!["replicas"]!.AsArray().Select(r => r!.GetValue<ulong>()).ToArray();
            Assert.Equal(3, replicas.Distinct().Count());
            Assert.Contains(s["leader"]!.GetValue<ulong>(), replicas);
            Assert.Equal(1, s["size"]!.GetValue<long>());
            Assert.True(s["revision"]!.GetValue<long>() > 1);
        });

        var shard2 = shards[1]!;
        var target = shard2["replicas"]!.AsArray().Select(r => r!.GetValue<ulong>()).First(r => r != shard2["leader"]!.GetValue<ulong>());
        var transfer = await AdminTool.RunAsync("--endpoints", cluster.Members[2].Endpoint, "shards", "transfer-leader", "2", target.ToString("x"));
        Assert.True(transfer.ExitCode == 0, transfer.Stderr);
        var table = await AdminTool.RunAsync("--endpoints", cluster.Endpoints, "shards", "list");
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Matches($@"\| 2 +\| ""7g"" +\| ""OO"" +\| [0-9a-f,]+ +\| {target:x} +\| 1 +\|", table.Stdout);

        var unknown = await AdminTool.RunAsync("--endpoints", cluster.Endpoints, "shards", "transfer-leader", "9", target.ToString("x"));
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("grainkv: no shard 9", unknown.Stderr);
    }

    [Fact]
    public async Task FourShards_Etcdctl_PutsAndGetsOnEveryShard_WithIncreasingRevisions()
    {
        using var cluster = await StartFourShardsAsync();
        long last = 0;
        foreach (var key in KeyPerShard)
        {
            var put = await Infrastructure.Etcdctl.RunAsync(cluster.Endpoints, null, "-w", "json", "put", key, $"value of {key}");
            Assert.True(put.ExitCode == 0, put.Stderr);
            var revision = JsonNode.Parse(put.Stdout)!["header"]!["revision"]!.GetValue<long>();
            Assert.True(revision > last);
            last = revision;
        }
        foreach (var key in KeyPerShard)
        {
            var get = await Infrastructure.Etcdctl.RunAsync(cluster.Members[2].Endpoint, null, "get", key);
            Assert.True(get.ExitCode == 0, get.Stderr);
            Assert.Equal($"{key}\nvalue of {key}\n", get.Stdout);
        }
    }

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    /// <summary>
    /// Three silos with four shards, once each shard's leadership has moved to its first replica (a transfer under way
    /// answers "leader changed", which etcd's clients retry and these tests do not).
    /// </summary>
    private static async Task<GrainKvCluster> StartFourShardsAsync()
    {
        var cluster = await GrainKvCluster.StartAsync(3, _ => ["--initial-shards", "4"]);
        try
        {
            await ShardsOnceLeadersSettleAsync(cluster);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary><c>shards list</c> once every shard is led by its first replica, or as it is after 30 s.</summary>
    private static async Task<JsonArray> ShardsOnceLeadersSettleAsync(GrainKvCluster cluster)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var list = await AdminTool.RunAsync("--endpoints", cluster.Endpoints, "shards", "list", "-w", "json");
            Assert.True(list.ExitCode == 0, list.Stderr);
            var shards = JsonNode.Parse(list.Stdout)!.AsArray();
            if (shards.All(s => s!["leader"]!.GetValue<ulong>() == s["replicas"]![0]!.GetValue<ulong>()) || DateTime.UtcNow > deadline) return shards;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static string Text(JsonNode base64) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64.GetValue<string>()));
}
