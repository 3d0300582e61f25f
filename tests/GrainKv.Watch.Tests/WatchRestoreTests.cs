using Etcdserverpb;
using GrainKv.Mvcc;
using static GrainKv.Watch.Tests.WatchFixture;

namespace GrainKv.Watch.Tests;

/// <summary>A snapshot replaces a lagging replica's store under open watches: they carry on from where they were.</summary>
public class WatchRestoreTests
{
    [Fact]
    public void Restore_StoreAhead_WatchersReplayWhatTheyMissedThenGoLive()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", prevKv: true));
        fixture.Put("a", "1");
        Assert.Equal(["id=0 rev=1 created", "id=0 rev=2 [put a=1@2]"], Show(Drain(stream)));

        var leader = new MvccStore();
        Put(leader, "a", "1");
        Put(leader, "b", "x");
        Put(leader, "a", "2");
        leader.DeleteRange(new DeleteRangeRequest { Key = B("a") });
        var restored = Copy(leader);
        fixture.Hub.Restore(restored);

        Assert.Equal(["id=0 rev=5 [put a=2@4 prev=1@2, delete a@5 prev=2@4]"], Show(Drain(stream)));
        Put(restored, "a", "3");
        fixture.Hub.OnApplied(6, restored.ChangesFrom(6, 6, withPrevKv: true).Value);
        Assert.Equal(["id=0 rev=6 [put a=3@6]"], Show(Drain(stream)));
    }

    [Fact]
    public void Restore_SnapshotCompactedPastAWatcher_CancelsItWithTheCompactRevision()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a"));
        Assert.Equal(["id=0 rev=1 created"], Show(Drain(stream)));

        var leader = new MvccStore();
        Put(leader, "a", "1");
        Put(leader, "a", "2");
        Assert.True(leader.Compact(new CompactionRequest { Revision = 3 }).IsOk);
        fixture.Hub.Restore(Copy(leader));

        Assert.Equal(["id=0 rev=0 canceled compact=3"], Show(Drain(stream)));
    }

    private static void Put(MvccStore store, string key, string value) =>
        Assert.True(store.Put(new PutRequest { Key = B(key), Value = B(value) }).IsOk);

    private static MvccStore Copy(MvccStore source)
    {
        using var snapshot = new MemoryStream();
        source.WriteSnapshot(snapshot);
        snapshot.Position = 0;
        return MvccStore.Restore(snapshot);
    }
}
