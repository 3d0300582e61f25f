using Etcdserverpb;
using GrainKv.Mvcc;
using static GrainKv.Mvcc.Tests.Kv;

namespace GrainKv.Mvcc.Tests;

/// <summary>
/// With several shards each write commits at the revision the oracle gave it: a shard's revisions are sparse, and
/// everything that reads revisions (history, prev_kv, events, compaction) must take the gaps.
/// </summary>
public sealed class StampedRevisionTests
{
    [Fact]
    public void Put_Stamped_CommitsAtTheStampAndTheNextUnstampedWriteFollowsIt()
    {
        var store = new MvccStore();

        store.StampedRevision = 10;
        var put = store.Put(Put("a", "1")).Value;
        var next = store.Put(Put("a", "2")).Value;

        Assert.Equal(10, put.Header.Revision);
        Assert.Equal(11, next.Header.Revision);
        Assert.Equal(0, store.StampedRevision);
        var kv = store.Range(Get("a")).Value.Kvs.Single();
        Assert.Equal((10L, 11L, 2L), (kv.CreateRevision, kv.ModRevision, kv.Version));
    }

    [Fact]
    public void Stamp_NotAfterTheStoreRevision_IsRefused()
    {
        var store = new MvccStore();
        store.StampedRevision = 5;
        store.Put(Put("a", "1"));

        Assert.ThrowsAny<Exception>(() => store.StampedRevision = 5);
        Assert.ThrowsAny<Exception>(() => store.StampedRevision = 3);
    }

    [Fact]
    public void SparseHistory_ReadsAtGapRevisionsSeeTheVersionBefore_AndPrevKvIsTheVersionBefore()
    {
        var store = new MvccStore();
        store.StampedRevision = 10;
        store.Put(Put("a", "1"));
        store.StampedRevision = 20;
        var second = store.Put(new PutRequest { Key = B("a"), Value = B("2"), PrevKv = true }).Value;

        Assert.Equal("1", S(second.PrevKv.Value));
        Assert.Equal("1", S(store.Range(Get("a", revision: 15)).Value.Kvs.Single().Value));
        Assert.Empty(store.Range(Get("a", revision: 9)).Value.Kvs);
        Assert.Equal(KvError.FutureRevision, store.Range(Get("a", revision: 21)).Error);
        var events = store.ChangesFrom(11, withPrevKv: true).Value;
        Assert.Equal(20, Assert.Single(events).Kv.ModRevision);
        Assert.Equal("1", S(events[0].PrevKv.Value));
    }

    [Fact]
    public void Txn_Stamped_AllItsWritesShareTheStamp()
    {
        var store = new MvccStore();
        store.StampedRevision = 7;

        var txn = store.Txn(Txn(success: [Op(Put("a", "1")), Op(Put("b", "2")), Op(Delete("a"))])).Value;

        Assert.Equal(7, txn.Header.Revision);
        Assert.All(store.ChangesFrom(0).Value, e => Assert.Equal(7, e.Kv.ModRevision));
        Assert.Equal(3, store.ChangesFrom(0).Value.Count);
    }

    [Fact]
    public void Compact_AtAHandedOutRevisionPastTheStores_KeepsTheLatestReadableAndOlderRevisionsCompacted()
    {
        var store = new MvccStore();
        store.StampedRevision = 10;
        store.Put(Put("a", "1"));
        store.StampedRevision = 12;
        store.Put(Put("a", "2"));

        Assert.Equal(KvError.FutureRevision, store.Compact(new CompactionRequest { Revision = 31 }, latestRevision: 30).Error);
        Assert.True(store.Compact(new CompactionRequest { Revision = 30 }, latestRevision: 30).IsOk);

        Assert.Equal("2", S(store.Range(Get("a")).Value.Kvs.Single().Value));
        Assert.Equal(KvError.Compacted, store.Range(Get("a", revision: 12)).Error);
        Assert.Equal(KvError.Compacted, store.Compact(new CompactionRequest { Revision = 30 }, latestRevision: 40).Error);
        store.StampedRevision = 41;
        Assert.Equal(41, store.Put(Put("a", "3")).Value.Header.Revision);
        Assert.Equal(41, Assert.Single(store.ChangesFrom(30).Value).Kv.ModRevision);
    }

    [Fact]
    public void Compact_Unstamped_StillRefusesARevisionPastTheStores()
    {
        var store = new MvccStore();
        store.Put(Put("a", "1"));

        Assert.Equal(KvError.FutureRevision, store.Compact(new CompactionRequest { Revision = 3 }).Error);
    }
}
