using Etcdserverpb;
using static GrainKv.Mvcc.Tests.Kv;

namespace GrainKv.Mvcc.Tests;

public class WriteTests
{
    private sealed class Leases(params long[] ids) : ILeaseLookup
    {
        public bool Exists(long leaseId) => ids.Contains(leaseId);
    }

    [Fact]
    public void Put_FirstWrite_GetsRevisionTwo()
    {
        var store = new MvccStore();

        var response = store.Put(Put("a", "1")).Value;

        Assert.Equal((2L, 2L), (response.Header.Revision, store.Revision));
        Assert.Null(response.PrevKv);
    }

    [Fact]
    public void Put_SameValueAgain_BumpsVersionAndModRevisionKeepsCreate()
    {
        var store = new MvccStore();
        store.PutOk("a", "1");
        store.PutOk("b", "1");

        var response = store.Put(new PutRequest { Key = B("a"), Value = B("1"), PrevKv = true }).Value;
        var kv = store.GetOne("a")!;

        Assert.Equal((2L, 4L, 2L), (kv.CreateRevision, kv.ModRevision, kv.Version));
        Assert.Equal((2L, 2L, 1L), (response.PrevKv.CreateRevision, response.PrevKv.ModRevision, response.PrevKv.Version));
    }

    [Fact]
    public void Put_AfterDelete_StartsNewGeneration()
    {
        var store = new MvccStore();
        store.PutOk("a", "1");
        store.PutOk("a", "2");
        store.DeleteRange(Delete("a"));

        store.PutOk("a", "3");
        var kv = store.GetOne("a")!;

        Assert.Equal((5L, 5L, 1L), (kv.CreateRevision, kv.ModRevision, kv.Version));
        Assert.Equal(2L, store.GetOne("a", revision: 3)!.Version);
        Assert.Null(store.GetOne("a", revision: 4));
    }

    [Fact]
    public void Put_IgnoreValueAndLease_KeepCurrentOnes()
    {
        var store = new MvccStore(new Leases(7, 8));
        store.PutOk("a", "1", lease: 7);

        Assert.True(store.Put(new PutRequest { Key = B("a"), IgnoreValue = true, Lease = 8 }).IsOk);
        Assert.True(store.Put(new PutRequest { Key = B("a"), Value = B("2"), IgnoreLease = true }).IsOk);
        var kv = store.GetOne("a")!;

        Assert.Equal(("2", 8L, 3L), (S(kv.Value), kv.Lease, kv.Version));
    }

    [Theory]
    [InlineData(true, false, 0L, KvError.KeyNotFound)]
    [InlineData(false, true, 0L, KvError.KeyNotFound)]
    [InlineData(false, false, 9L, KvError.LeaseNotFound)]
    [InlineData(true, false, 9L, KvError.LeaseNotFound)]
    [InlineData(false, false, 7L, KvError.None)]
    public void Put_Preconditions_FailInEtcdOrderAndChangeNothing(bool ignoreValue, bool ignoreLease, long lease, KvError expected)
    {
        var store = new MvccStore(new Leases(7));

        var result = store.Put(new PutRequest { Key = B("absent"), IgnoreValue = ignoreValue, IgnoreLease = ignoreLease, Lease = lease });

        Assert.Equal(expected, result.Error);
        Assert.Equal(expected == KvError.None ? 2 : 1, store.Revision);
    }

    [Fact]
    public void Put_AnyLeaseWithDefaultLookup_IsLeaseNotFound()
    {
        Assert.Equal(KvError.LeaseNotFound, new MvccStore().Put(Put("a", "1", lease: 1)).Error);
    }

    [Fact]
    public void DeleteRange_SeveralKeys_OneRevisionAndPrevKvs()
    {
        var store = new MvccStore();
        store.PutOk("a", "1");
        store.PutOk("b", "2");
        store.PutOk("c", "3");
        store.DeleteRange(Delete("b"));

        var response = store.DeleteRange(new DeleteRangeRequest { Key = B("a"), RangeEnd = B("\0"), PrevKv = true });

        Assert.Equal((2L, 6L, 6L), (response.Deleted, response.Header.Revision, store.Revision));
        Assert.Equal(["a", "c"], response.PrevKvs.Select(kv => S(kv.Key)));
        Assert.Equal(["1", "3"], response.PrevKvs.Select(kv => S(kv.Value)));
    }

    [Fact]
    public void DeleteRange_NothingLive_KeepsRevision()
    {
        var store = new MvccStore();
        store.PutOk("a", "1");
        store.DeleteRange(Delete("a"));

        var response = store.DeleteRange(Delete("a"));

        Assert.Equal((0L, 3L, 3L), (response.Deleted, response.Header.Revision, store.Revision));
    }
}
