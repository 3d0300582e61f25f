using Etcdserverpb;
using static GrainKv.Mvcc.Tests.Kv;

namespace GrainKv.Mvcc.Tests;

public class CompactionTests
{
    private static CompactionRequest At(long revision) => new() { Revision = revision };

    /// <summary>a@2, a@3, b@4, delete b@5, c@6: revision 6.</summary>
    private static MvccStore Fixture()
    {
        var store = new MvccStore();
        store.PutOk("a", "1");
        store.PutOk("a", "2");
        store.PutOk("b", "1");
        store.DeleteRange(Delete("b"));
        store.PutOk("c", "1");
        return store;
    }

    [Fact]
    public void Compact_EmptyStore_StartsAtMinusOneAndAcceptsZeroThenOne()
    {
        var store = new MvccStore();

        Assert.Equal(-1, store.CompactRevision);
        Assert.True(store.Compact(At(0)).IsOk);
        Assert.Equal(1, store.Compact(At(1)).Value.Header.Revision);
        Assert.Equal(1, store.CompactRevision);
    }

    [Theory]
    [InlineData(7, KvError.FutureRevision)]
    [InlineData(4, KvError.Compacted)]
    [InlineData(3, KvError.Compacted)]
    [InlineData(5, KvError.None)]
    [InlineData(6, KvError.None)]
    public void Compact_AfterCompactAt4_AcceptsOnlyLaterRevisionsUpToCurrent(long revision, KvError expected)
    {
        var store = Fixture();
        Assert.True(store.Compact(At(4)).IsOk);

        Assert.Equal(expected, store.Compact(At(revision)).Error);
    }

    [Fact]
    public void Range_AroundCompactRevision_BelowFailsAtAndAboveWork()
    {
        var store = Fixture();

        var response = store.Compact(At(4)).Value;

        Assert.Equal(6, response.Header.Revision);
        Assert.Equal(KvError.Compacted, store.Range(Get("a", revision: 3)).Error);
        Assert.Equal("2", S(store.GetOne("a", revision: 4)!.Value));
        Assert.Equal("1", S(store.GetOne("b", revision: 4)!.Value));
        Assert.Null(store.GetOne("b", revision: 5));
        Assert.Equal(6, store.Revision);
    }

    [Fact]
    public void Compact_ReadsAtOrAfterCompactRevision_AnswerAsBefore()
    {
        var original = Fixture();
        var compacted = Fixture();

        Assert.True(compacted.Compact(At(5)).IsOk);

        for (var revision = 5; revision <= 6; revision++)
        {
            Assert.Equal(original.Range(Get("\0", "\0", revision)).Value, compacted.Range(Get("\0", "\0", revision)).Value);
        }
    }

    [Fact]
    public void Compact_TombstoneAtOrBeforeRevision_RemovesTheKeyEntirely()
    {
        var store = Fixture();
        var before = store.Hash();

        Assert.True(store.Compact(At(5)).IsOk);

        Assert.NotEqual(before, store.Hash());
        Assert.Equal(2, store.Index.Count);
    }

    [Fact]
    public void ChangesFrom_ReturnsEventsInRevisionOrderWithDeletesBare()
    {
        var store = Fixture();

        var events = store.ChangesFrom(3, withPrevKv: true).Value;

        Assert.Equal(["a@3", "b@4", "b@5", "c@6"], events.Select(e => $"{S(e.Kv.Key)}@{e.Kv.ModRevision}"));
        var delete = events[2];
        Assert.Equal(Mvccpb.Event.Types.EventType.Delete, delete.Type);
        Assert.Equal((0L, 0L, 0L, true), (delete.Kv.CreateRevision, delete.Kv.Version, delete.Kv.Lease, delete.Kv.Value.IsEmpty));
        Assert.Equal("1", S(delete.PrevKv.Value));
        Assert.Equal("1", S(events[0].PrevKv.Value));
    }

    [Fact]
    public void ChangesFrom_EndRevision_StopsAfterIt()
    {
        Assert.Equal([3L, 4L], Fixture().ChangesFrom(3, endRevision: 4).Value.Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public void ChangesFrom_AfterCompaction_BelowCompactFailsAtCompactKeepsRetained()
    {
        var store = Fixture();
        Assert.True(store.Compact(At(4)).IsOk);

        Assert.Equal(KvError.Compacted, store.ChangesFrom(3).Error);
        Assert.Equal([4L, 5L, 6L], store.ChangesFrom(4).Value.Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public void ChangesFrom_CompactAtTombstoneRevision_DropsTheTombstone()
    {
        var store = Fixture();
        Assert.True(store.Compact(At(5)).IsOk);

        Assert.Equal([6L], store.ChangesFrom(5).Value.Select(e => e.Kv.ModRevision));
    }

    /// <summary>
    /// The count etcdctl snapshot status reports as total keys: one per retained version, tombstones too. Compaction
    /// keeps each key's last version at or before it, and drops a key whose last one is its deletion.
    /// </summary>
    [Theory]
    [InlineData(0, 5)]
    [InlineData(3, 4)]
    [InlineData(4, 4)]
    [InlineData(5, 2)]
    public void RetainedVersions_AfterCompaction_CountsPutsAndTombstonesStillHeld(long compactAt, long expected)
    {
        var store = Fixture();
        if (compactAt > 0) Assert.True(store.Compact(At(compactAt)).IsOk);

        Assert.Equal(expected, store.RetainedVersions);
    }

    [Fact]
    public void RetainedVersions_EmptyStore_IsZero()
    {
        Assert.Equal(0, new MvccStore().RetainedVersions);
    }
}
