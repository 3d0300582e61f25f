using Etcdserverpb;
using static Etcdserverpb.RangeRequest.Types;
using static GrainKv.Mvcc.Tests.Kv;

namespace GrainKv.Mvcc.Tests;

public class RangeTests
{
    /// <summary>
    /// Revisions: a=z@2, b=y@3, c=x@4, a=w@5, d=v@6, e=u@7, delete e@8. Latest: a(w, create 2, mod 5, version 2),
    /// b(y, 3, 3, 1), c(x, 4, 4, 1), d(v, 6, 6, 1).
    /// </summary>
    private static MvccStore Fixture()
    {
        var store = new MvccStore();
        store.PutOk("a", "z");
        store.PutOk("b", "y");
        store.PutOk("c", "x");
        store.PutOk("a", "w");
        store.PutOk("d", "v");
        store.PutOk("e", "u");
        store.DeleteRange(Delete("e"));
        return store;
    }

    private static RangeRequest R(string key, string end = "", long limit = 0, SortOrder order = SortOrder.None, SortTarget target = SortTarget.Key,
        long minMod = 0, long maxMod = 0, long minCreate = 0, long maxCreate = 0, long revision = 0, bool countOnly = false) => new()
    {
        Key = B(key), RangeEnd = B(end), Limit = limit, SortOrder = order, SortTarget = target, MinModRevision = minMod, MaxModRevision = maxMod,
        MinCreateRevision = minCreate, MaxCreateRevision = maxCreate, Revision = revision, CountOnly = countOnly,
    };

    public static TheoryData<string, RangeRequest, string, long, bool> Cases() => new()
    {
        { "single key", R("a"), "a", 1, false },
        { "missing key", R("zz"), "", 0, false },
        { "deleted key", R("e"), "", 0, false },
        { "half-open range", R("a", "c"), "a,b", 2, false },
        { "from key", R("b", "\0"), "b,c,d", 3, false },
        { "all keys", R("\0", "\0"), "a,b,c,d", 4, false },
        { "end below key", R("c", "a"), "", 0, false },
        { "end equal to key", R("b", "b"), "", 0, false },
        { "limit cuts", R("a", "\0", limit: 2), "a,b", 4, true },
        { "limit exact", R("a", "\0", limit: 4), "a,b,c,d", 4, false },
        { "limit above", R("a", "\0", limit: 5), "a,b,c,d", 4, false },
        { "negative limit is unlimited", R("a", "\0", limit: -1), "a,b,c,d", 4, false },
        { "key descend", R("a", "\0", order: SortOrder.Descend), "d,c,b,a", 4, false },
        { "value ascend", R("a", "\0", order: SortOrder.Ascend, target: SortTarget.Value), "d,a,c,b", 4, false },
        { "value descend", R("a", "\0", order: SortOrder.Descend, target: SortTarget.Value), "b,c,a,d", 4, false },
        { "mod with order none ascends", R("a", "\0", target: SortTarget.Mod), "b,c,a,d", 4, false },
        { "create ascend", R("a", "\0", order: SortOrder.Ascend, target: SortTarget.Create), "a,b,c,d", 4, false },
        { "create descend", R("a", "\0", order: SortOrder.Descend, target: SortTarget.Create), "d,c,b,a", 4, false },
        { "version descend, ties by key", R("a", "\0", order: SortOrder.Descend, target: SortTarget.Version), "a,b,c,d", 4, false },
        { "version ascend, ties by key", R("a", "\0", order: SortOrder.Ascend, target: SortTarget.Version), "b,c,d,a", 4, false },
        { "descend then limit", R("a", "\0", limit: 1, order: SortOrder.Descend), "d", 4, true },
        // etcd fetches limit+1 keys in key order before sorting when the order is NONE (verified on etcd 3.4).
        { "target with order none sorts only the fetched page", R("a", "\0", limit: 2, target: SortTarget.Mod), "b,c", 4, true },
        { "min mod", R("a", "\0", minMod: 4), "a,c,d", 4, false },
        { "max mod", R("a", "\0", maxMod: 4), "b,c", 4, false },
        { "create window", R("a", "\0", minCreate: 3, maxCreate: 4), "b,c", 4, false },
        { "filter then limit", R("a", "\0", limit: 1, minMod: 5), "a", 4, true },
        { "filter removes all, count stays", R("a", "\0", minMod: 100), "", 4, false },
        { "count only", R("a", "\0", countOnly: true), "", 4, false },
        { "count only ignores limit", R("a", "\0", limit: 1, countOnly: true), "", 4, false },
        { "at revision 4", R("a", "\0", revision: 4), "a,b,c", 3, false },
        { "at revision 7 sees e", R("a", "\0", revision: 7), "a,b,c,d,e", 5, false },
        { "at revision 1 sees nothing", R("a", "\0", revision: 1), "", 0, false },
        { "negative revision is latest", R("a", "\0", revision: -3), "a,b,c,d", 4, false },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Range_Options_MatchEtcd(string name, RangeRequest request, string keys, long count, bool more)
    {
        var response = Fixture().Range(request).Value;

        Assert.True(keys == Join(response), $"{name}: keys {Join(response)}");
        Assert.True(count == response.Count, $"{name}: count {response.Count}");
        Assert.True(more == response.More, $"{name}: more {response.More}");
        Assert.Equal(8, response.Header.Revision);
    }

    [Fact]
    public void Range_KeysOnly_ClearsOnlyTheValue()
    {
        var kv = Assert.Single(Fixture().Range(new RangeRequest { Key = B("a"), KeysOnly = true }).Value.Kvs);

        Assert.True(kv.Value.IsEmpty);
        Assert.Equal(("a", 2L, 5L, 2L), (S(kv.Key), kv.CreateRevision, kv.ModRevision, kv.Version));
    }

    [Fact]
    public void Range_AtPastRevision_ReturnsTheVersionOfThatTime()
    {
        var store = Fixture();

        var kv = store.GetOne("a", revision: 4)!;

        Assert.Equal(("z", 2L, 2L, 1L), (S(kv.Value), kv.CreateRevision, kv.ModRevision, kv.Version));
        Assert.Equal("u", S(store.GetOne("e", revision: 7)!.Value));
        Assert.Null(store.GetOne("e", revision: 8));
    }

    [Fact]
    public void Range_FutureRevision_ReturnsFutureRevision()
    {
        Assert.Equal(KvError.FutureRevision, Fixture().Range(Get("a", revision: 9)).Error);
    }

    [Fact]
    public void Range_EmptyStore_IsAtRevisionOne()
    {
        var response = new MvccStore().Range(Get("\0", "\0")).Value;

        Assert.Equal((1L, 0L), (response.Header.Revision, response.Count));
    }

    [Fact]
    public void Range_BinaryKeys_UseUnsignedByteOrder()
    {
        var store = new MvccStore();
        foreach (var key in new byte[][] { [0xFF], [0x01], [0x80], [0x7F], [0x01, 0x00] })
        {
            store.Put(new PutRequest { Key = Google.Protobuf.ByteString.CopyFrom(key), Value = B("v") });
        }

        var keys = store.Range(new RangeRequest { Key = Google.Protobuf.ByteString.CopyFrom(0x01), RangeEnd = Google.Protobuf.ByteString.CopyFrom(0xFF) }).Value.Kvs
            .Select(kv => Convert.ToHexString(kv.Key.ToByteArray()));

        Assert.Equal(["01", "0100", "7F", "80"], keys);
    }

    [Fact]
    public void Range_ResponseMutation_DoesNotChangeTheStore()
    {
        var store = Fixture();

        store.Range(Get("a")).Value.Kvs[0].Value = B("mutated");

        Assert.Equal("w", S(store.GetOne("a")!.Value));
    }
}
