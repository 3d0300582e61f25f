using Etcdserverpb;
using static GrainKv.Mvcc.Tests.Kv;

namespace GrainKv.Mvcc.Tests;

public class HashKvTests
{
    [Fact]
    public void HashKV_SameHistory_SameHashAtEveryRevision_AndEarlierRevisionsIgnoreLaterChanges()
    {
        var a = new MvccStore();
        var b = new MvccStore();
        foreach (var store in new[] { a, b })
        {
            store.PutOk("x", "1");
            store.PutOk("y", "2");
        }
        var atThree = a.HashKV(3).Value.Hash;
        a.PutOk("x", "3");

        Assert.Equal(atThree, a.HashKV(3).Value.Hash);
        Assert.Equal(atThree, b.HashKV(0).Value.Hash);
        Assert.NotEqual(atThree, a.HashKV(0).Value.Hash);
        Assert.Equal(4, a.HashKV(0).Value.Header.Revision);
    }

    [Fact]
    public void HashKV_DifferentValue_DifferentHash()
    {
        var a = new MvccStore();
        var b = new MvccStore();
        a.PutOk("x", "1");
        b.PutOk("x", "2");
        Assert.NotEqual(a.HashKV(0).Value.Hash, b.HashKV(0).Value.Hash);
    }

    [Fact]
    public void HashKV_EmptyStore_ReportsCompactRevisionMinusOne() =>
        Assert.Equal(-1, new MvccStore().HashKV(0).Value.CompactRevision);

    [Theory]
    [InlineData(2, KvError.Compacted)]
    [InlineData(3, KvError.Compacted)]
    [InlineData(4, KvError.None)]
    [InlineData(5, KvError.None)]
    [InlineData(6, KvError.FutureRevision)]
    public void HashKV_AroundCompactRevision_AtOrBelowIsCompacted(long revision, KvError expected)
    {
        var store = new MvccStore();
        for (var i = 0; i < 4; i++) store.PutOk("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(store.Compact(new CompactionRequest { Revision = 3 }).IsOk);

        Assert.Equal(expected, store.HashKV(revision).Error);
    }
}
