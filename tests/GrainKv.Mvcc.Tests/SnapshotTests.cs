using Etcdserverpb;
using static GrainKv.Mvcc.Tests.Kv;

namespace GrainKv.Mvcc.Tests;

public class SnapshotTests
{
    private static MvccStore RoundTrip(MvccStore store)
    {
        using var stream = new MemoryStream();
        store.WriteSnapshot(stream);
        stream.Position = 0;
        return MvccStore.Restore(stream);
    }

    [Fact]
    public void Restore_EmptyStore_KeepsInitialRevisions()
    {
        var restored = RoundTrip(new MvccStore());

        Assert.Equal((1L, -1L), (restored.Revision, restored.CompactRevision));
        Assert.Equal(new MvccStore().Hash(), restored.Hash());
    }

    [Fact]
    public void Restore_AfterWritesAndCompaction_AnswersEveryReadAsTheOriginal()
    {
        var store = new MvccStore();
        for (var i = 0; i < 300; i++)
        {
            store.PutOk($"k{i % 37:D3}", $"v{i}");
            if (i % 11 == 0)
            {
                store.DeleteRange(Delete($"k{i % 13:D3}", $"k{i % 13 + 3:D3}"));
            }
        }
        Assert.True(store.Compact(new CompactionRequest { Revision = 150 }).IsOk);

        var restored = RoundTrip(store);

        Assert.Equal((store.Revision, store.CompactRevision, store.Hash()), (restored.Revision, restored.CompactRevision, restored.Hash()));
        for (var revision = 0L; revision <= store.Revision + 1; revision++)
        {
            var expected = store.Range(Get("\0", "\0", revision));
            var actual = restored.Range(Get("\0", "\0", revision));
            Assert.Equal(expected.Error, actual.Error);
            if (expected.IsOk)
            {
                Assert.Equal(expected.Value, actual.Value);
            }
        }
        Assert.Equal(store.ChangesFrom(150).Value, restored.ChangesFrom(150).Value);
        Assert.Equal(store.Put(Put("k001", "x")).Value, restored.Put(Put("k001", "x")).Value);
    }

    [Fact]
    public void Restore_NotASnapshot_Throws()
    {
        Assert.Throws<InvalidDataException>(() => MvccStore.Restore(new MemoryStream(new byte[16])));
    }

    [Fact]
    public void Hash_DiffersWhenStateDiffers()
    {
        var a = new MvccStore();
        var b = new MvccStore();
        a.PutOk("k", "1");
        b.PutOk("k", "2");

        Assert.NotEqual(a.Hash(), b.Hash());
    }
}
