using static GrainKv.Watch.Tests.WatchFixture;

namespace GrainKv.Watch.Tests;

/// <summary>With several shards a shard's writes commit at the oracle's revisions, with gaps between them.</summary>
public sealed class SparseRevisionTests
{
    [Fact]
    public void LiveWatcher_GetsEveryRevisionAcrossTheGaps()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", "\0", prevKv: true));

        fixture.Store.StampedRevision = 10;
        fixture.Put("a", "1");
        fixture.Store.StampedRevision = 25;
        fixture.Put("a", "2");

        Assert.Equal(["id=0 rev=1 created", "id=0 rev=10 [put a=1@10]", "id=0 rev=25 [put a=2@25 prev=1@10]"], Show(stream.TakeOutbox()));
    }

    [Fact]
    public void WatcherStartingInAGap_ReplaysFromTheNextRevisionWritten_AndOneStartingLaterWaitsForIt()
    {
        var fixture = new WatchFixture();
        fixture.Store.StampedRevision = 10;
        fixture.Put("a", "1");
        fixture.Store.StampedRevision = 25;
        fixture.Put("a", "2");
        var stream = fixture.Hub.OpenStream();

        stream.Handle(Create("a", startRevision: 11, watchId: 1));
        stream.Handle(Create("a", startRevision: 30, watchId: 2));
        fixture.Store.StampedRevision = 28;
        fixture.Put("a", "3");
        fixture.Store.StampedRevision = 31;
        fixture.Put("a", "4");

        var responses = Show(Drain(stream));
        // Created behind the store, watcher 1 replays what it missed in one response, as etcd's unsynced watchers do.
        Assert.Equal(["id=1 rev=31 [put a=2@25, put a=3@28, put a=4@31]"],
            responses.Where(r => r.StartsWith("id=1", StringComparison.Ordinal) && !r.EndsWith("created", StringComparison.Ordinal)));
        Assert.Equal(["id=2 rev=31 [put a=4@31]"],
            responses.Where(r => r.StartsWith("id=2", StringComparison.Ordinal) && !r.EndsWith("created", StringComparison.Ordinal)));
    }
}
