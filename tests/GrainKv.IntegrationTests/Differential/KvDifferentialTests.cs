using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Differential;

/// <summary>
/// The same KV operations against a real etcd 3.4 and GrainKv: responses (revisions, versions,
/// counts, more, errors) must be identical once cluster/member ids and raft terms are set aside.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class KvDifferentialTests
{
    private readonly DifferentialFixture _both;

    public KvDifferentialTests(DifferentialFixture both)
    {
        _both = both;
    }

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    private Task<Outcome> Put(string key, string value, bool prevKv = false) =>
        _both.BothAsync($"put {key}={value}", c => c.PutAsync(new PutRequest { Key = B(key), Value = B(value), PrevKv = prevKv }));

    private Task<Outcome> Range(string what, RangeRequest request) => _both.BothAsync(what, c => c.RangeAsync(request));

    [Fact]
    public async Task PutOverwriteDeleteRecreate_MatchEtcd_AtEveryRevision()
    {
        var first = await Put("life/a", "1");
        await Put("life/a", "2", prevKv: true);
        await Put("life/a", "2", prevKv: true);
        await _both.BothAsync("delete with prev_kv", c => c.DeleteRangeAsync(new DeleteRangeRequest { Key = B("life/a"), PrevKv = true }));
        await _both.BothAsync("delete missing", c => c.DeleteRangeAsync(new DeleteRangeRequest { Key = B("life/a") }));
        var last = await Put("life/a", "3", prevKv: true);

        var from = ((PutResponse)first.Response!).Header.Revision;
        var to = ((PutResponse)last.Response!).Header.Revision;
        for (var revision = from - 1; revision <= to + 1; revision++)
        {
            var at = revision;
            await Range($"get life/a at {at}", new RangeRequest { Key = B("life/a"), Revision = at });
        }
    }

    [Fact]
    public async Task RangeOptions_MatchEtcd()
    {
        // Distinct values, versions and revisions per key, so no sort depends on tie order.
        string[] keys = ["opt/a", "opt/b", "opt/c", "opt/d", "opt/e"];
        for (var i = 0; i < keys.Length; i++)
        {
            for (var v = 0; v <= i; v++) await Put(keys[i], $"{(char)('z' - i)}{v}");
        }
        await Put("opu", "outside");

        await Range("single", new RangeRequest { Key = B("opt/c") });
        await Range("missing", new RangeRequest { Key = B("opt/zz") });
        await Range("interval", new RangeRequest { Key = B("opt/b"), RangeEnd = B("opt/d") });
        await Range("prefix", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0") });
        await Range("from key", new RangeRequest { Key = B("opt/d"), RangeEnd = ByteString.CopyFrom(0) });
        await Range("range_end below key", new RangeRequest { Key = B("opt/d"), RangeEnd = B("opt/a") });
        await Range("range_end equal key", new RangeRequest { Key = B("opt/d"), RangeEnd = B("opt/d") });
        await Range("limit", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), Limit = 2 });
        await Range("limit exact", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), Limit = 5 });
        await Range("negative limit", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), Limit = -1 });
        await Range("keys only", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), KeysOnly = true });
        await Range("count only", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), CountOnly = true, Limit = 1 });
        await Range("serializable", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), Serializable = true });
        foreach (var order in Enum.GetValues<RangeRequest.Types.SortOrder>())
        {
            foreach (var target in Enum.GetValues<RangeRequest.Types.SortTarget>())
            {
                await Range($"sort {order} by {target}", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), SortOrder = order, SortTarget = target });
                await Range($"sort {order} by {target} limit 2", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), SortOrder = order, SortTarget = target, Limit = 2 });
            }
        }
        var c = (RangeResponse)(await Range("c", new RangeRequest { Key = B("opt/c") })).Response!;
        var mod = c.Kvs[0].ModRevision;
        var create = c.Kvs[0].CreateRevision;
        await Range("min mod", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), MinModRevision = mod });
        await Range("max mod", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), MaxModRevision = mod });
        await Range("min create", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), MinCreateRevision = create });
        await Range("max create", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), MaxCreateRevision = create });
        await Range("filters remove all", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), MinModRevision = mod + 1000 });
        await Range("max create sorted desc limit 1 (mutex recipe)", new RangeRequest
        {
            Key = B("opt/"), RangeEnd = B("opt0"), MaxCreateRevision = create - 1,
            SortOrder = RangeRequest.Types.SortOrder.Descend, SortTarget = RangeRequest.Types.SortTarget.Create, Limit = 1,
        });
        await Range("historical prefix", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0"), Revision = mod });
        await _both.BothAsync("delete prefix with prev_kv", c => c.DeleteRangeAsync(new DeleteRangeRequest { Key = B("opt/b"), RangeEnd = B("opt/d"), PrevKv = true }));
        await _both.BothAsync("delete from key", c => c.DeleteRangeAsync(new DeleteRangeRequest { Key = B("opt/d"), RangeEnd = B("opt0") }));
        await Range("after deletes", new RangeRequest { Key = B("opt/"), RangeEnd = B("opt0") });
    }

    public static TheoryData<string, Compare.Types.CompareTarget, Compare.Types.CompareResult> Compares()
    {
        var data = new TheoryData<string, Compare.Types.CompareTarget, Compare.Types.CompareResult>();
        foreach (var target in Enum.GetValues<Compare.Types.CompareTarget>())
        {
            foreach (var result in Enum.GetValues<Compare.Types.CompareResult>()) data.Add($"{target}-{result}".ToLowerInvariant(), target, result);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Compares))]
    public async Task Txn_EachCompareTargetAndResult_MatchesEtcd(string name, Compare.Types.CompareTarget target, Compare.Types.CompareResult result)
    {
        var key = $"cmp/{name}";
        await Put(key, "m");
        await Put(key, "m");
        var current = (RangeResponse)(await Range("current", new RangeRequest { Key = B(key) })).Response!;
        var kv = current.Kvs[0];
        foreach (var delta in new long[] { -1, 0, 1 })
        {
            var compare = new Compare { Key = B(key), Target = target, Result = result };
            switch (target)
            {
                case Compare.Types.CompareTarget.Version: compare.Version = kv.Version + delta; break;
                case Compare.Types.CompareTarget.Create: compare.CreateRevision = kv.CreateRevision + delta; break;
                case Compare.Types.CompareTarget.Mod: compare.ModRevision = kv.ModRevision + delta; break;
                case Compare.Types.CompareTarget.Value: compare.Value = B(delta switch { -1 => "l", 0 => "m", _ => "n" }); break;
                case Compare.Types.CompareTarget.Lease: compare.Lease = delta + 1; break;
            }
            var txn = new TxnRequest
            {
                Compare = { compare },
                Success = { new RequestOp { RequestPut = new PutRequest { Key = B(key + "/then"), Value = B("yes"), PrevKv = true } } },
                Failure = { new RequestOp { RequestRange = new RangeRequest { Key = B(key) } } },
            };
            await _both.BothAsync($"txn {name} delta {delta}", c => c.TxnAsync(txn));
        }
        var absent = new TxnRequest
        {
            Compare = { new Compare { Key = B(key + "/absent"), Target = target, Result = result } },
            Success = { new RequestOp { RequestRange = new RangeRequest { Key = B(key) } } },
        };
        await _both.BothAsync($"txn {name} on an absent key", c => c.TxnAsync(absent));
    }

    [Fact]
    public async Task Txn_MixedOpsNestedAndRangeCompare_MatchEtcd()
    {
        await Put("mix/a", "1");
        await Put("mix/b", "2");
        var txn = new TxnRequest
        {
            Compare = { new Compare { Key = B("mix/"), RangeEnd = B("mix0"), Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Greater, Version = 0 } },
            Success =
            {
                new RequestOp { RequestRange = new RangeRequest { Key = B("mix/"), RangeEnd = B("mix0") } },
                new RequestOp { RequestPut = new PutRequest { Key = B("mix/c"), Value = B("3"), PrevKv = true } },
                new RequestOp { RequestRange = new RangeRequest { Key = B("mix/"), RangeEnd = B("mix0") } },
                new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B("mix/a"), PrevKv = true } },
                new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B("mix/zzz") } },
                new RequestOp
                {
                    RequestTxn = new TxnRequest
                    {
                        Compare = { new Compare { Key = B("mix/c"), Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = B("3") } },
                        Success = { new RequestOp { RequestPut = new PutRequest { Key = B("mix/d"), Value = B("4") } } },
                        Failure = { new RequestOp { RequestPut = new PutRequest { Key = B("mix/e"), Value = B("5") } } },
                    },
                },
                new RequestOp { RequestRange = new RangeRequest { Key = B("mix/"), RangeEnd = B("mix0") } },
            },
        };
        await _both.BothAsync("mixed txn", c => c.TxnAsync(txn));
        await _both.BothAsync("read-only txn", c => c.TxnAsync(new TxnRequest
        {
            Success = { new RequestOp { RequestRange = new RangeRequest { Key = B("mix/"), RangeEnd = B("mix0"), Serializable = true } } },
        }));
        await _both.BothAsync("empty txn", c => c.TxnAsync(new TxnRequest()));
        await _both.BothAsync("txn with only a no-op delete", c => c.TxnAsync(new TxnRequest
        {
            Success = { new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B("mix/none") } } },
        }));
        await Range("after", new RangeRequest { Key = B("mix/"), RangeEnd = B("mix0") });
    }

    [Fact]
    public async Task Compaction_MatchesEtcd_ForReadsAroundTheCompactRevision()
    {
        await Put("cpt/a", "1");
        var middle = (PutResponse)(await Put("cpt/a", "2")).Response!;
        await Put("cpt/b", "1");
        await _both.BothAsync("delete a", c => c.DeleteRangeAsync(new DeleteRangeRequest { Key = B("cpt/a") }));
        var head = (PutResponse)(await Put("cpt/c", "1")).Response!;
        var at = middle.Header.Revision;

        await _both.BothAsync("compact future", c => c.CompactAsync(new CompactionRequest { Revision = head.Header.Revision + 100 }));
        await _both.BothAsync("compact", c => c.CompactAsync(new CompactionRequest { Revision = at, Physical = true }));
        await _both.BothAsync("compact again", c => c.CompactAsync(new CompactionRequest { Revision = at }));
        await _both.BothAsync("compact below", c => c.CompactAsync(new CompactionRequest { Revision = at - 1 }));
        await Range("below compact revision", new RangeRequest { Key = B("cpt/"), RangeEnd = B("cpt0"), Revision = at - 1 });
        await Range("at compact revision", new RangeRequest { Key = B("cpt/"), RangeEnd = B("cpt0"), Revision = at });
        await Range("after compact revision", new RangeRequest { Key = B("cpt/"), RangeEnd = B("cpt0"), Revision = at + 2 });
        await Range("current", new RangeRequest { Key = B("cpt/"), RangeEnd = B("cpt0") });
        await Range("future", new RangeRequest { Key = B("cpt/a"), Revision = head.Header.Revision + 1000 });
        await _both.BothAsync("txn reading a compacted revision", c => c.TxnAsync(new TxnRequest
        {
            Success =
            {
                new RequestOp { RequestPut = new PutRequest { Key = B("cpt/txn"), Value = B("x") } },
                new RequestOp { RequestRange = new RangeRequest { Key = B("cpt/a"), Revision = at - 1 } },
            },
        }));
        await Range("nothing applied by the failed txn", new RangeRequest { Key = B("cpt/txn") });
    }
}
