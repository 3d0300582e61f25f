using static GrainKv.Watch.Tests.WatchFixture;

namespace GrainKv.Watch.Tests;

public class SlowStreamTests
{
    [Fact]
    public void OnApplied_SendBufferFull_StopsQueuingAndTheStreamLaterGetsExactlyTheMissedEvents()
    {
        var fixture = new WatchFixture(new WatchHubOptions { SendBufferResponses = 4 });
        var slow = fixture.Hub.OpenStream();
        var fast = fixture.Hub.OpenStream();
        slow.Handle(Create("k", "\0"));
        fast.Handle(Create("k", "\0"));
        var fastEvents = new List<long>();

        for (var i = 0; i < 50; i++)
        {
            fixture.Put($"k{i % 7}", $"{i}");
            fastEvents.AddRange(fast.TakeOutbox().SelectMany(response => response.Events).Select(change => change.Kv.ModRevision));
        }

        Assert.True(slow.HasOutput);
        var slowResponses = Drain(slow);
        var slowEvents = slowResponses.SelectMany(response => response.Events).Select(change => change.Kv.ModRevision);
        Assert.Equal(Enumerable.Range(2, 50).Select(revision => (long)revision), slowEvents);
        Assert.Equal(Enumerable.Range(2, 50).Select(revision => (long)revision), fastEvents);
    }

    [Fact]
    public void OnApplied_SendBufferFull_NeverHoldsMoreEventResponsesThanTheBound()
    {
        var fixture = new WatchFixture(new WatchHubOptions { SendBufferResponses = 4 });
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a"));

        for (var i = 0; i < 20; i++)
        {
            fixture.Put("a", $"{i}");
        }

        Assert.Equal(["id=0 rev=1 created", "id=0 rev=2 [put a=0@2]", "id=0 rev=3 [put a=1@3]", "id=0 rev=4 [put a=2@4]"], Show(stream.TakeOutbox()));
    }

    [Fact]
    public void TakeOutbox_LaggingWatcherAfterReplay_ContinuesLiveWithoutDuplicates()
    {
        var fixture = new WatchFixture(new WatchHubOptions { SendBufferResponses = 2 });
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a"));
        for (var i = 0; i < 5; i++)
        {
            fixture.Put("a", $"{i}");
        }

        var first = stream.TakeOutbox();
        var replay = stream.TakeOutbox();
        fixture.Put("a", "5");
        var live = stream.TakeOutbox();

        Assert.Equal(["id=0 rev=1 created", "id=0 rev=2 [put a=0@2]"], Show(first));
        Assert.Equal(["id=0 rev=6 [put a=1@3, put a=2@4, put a=3@5, put a=4@6]"], Show(replay));
        Assert.Equal(["id=0 rev=7 [put a=5@7]"], Show(live));
    }

    [Fact]
    public void TakeOutbox_SeveralLaggingWatchers_ShareTheRoomRoundRobin()
    {
        var fixture = new WatchFixture(new WatchHubOptions { SendBufferResponses = 2, ReplayBatchRevisions = 1 });
        for (var i = 0; i < 4; i++)
        {
            fixture.Put("a", $"{i}");
        }
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", startRevision: 2));
        stream.Handle(Create("a", startRevision: 2));
        stream.TakeOutbox();

        Assert.Equal(["id=0 rev=5 [put a=0@2]", "id=1 rev=5 [put a=0@2]"], Show(stream.TakeOutbox()));
    }

    [Fact]
    public void TakeOutbox_ControlAnswersWithAFullBuffer_AreStillQueued()
    {
        var fixture = new WatchFixture(new WatchHubOptions { SendBufferResponses = 1 });
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a"));
        fixture.Put("a", "1");

        stream.Handle(Create("b"));
        stream.Handle(Progress());
        stream.Handle(Cancel(1));

        Assert.Equal(["id=0 rev=1 created", "id=1 rev=2 created", "id=-1 rev=2", "id=1 rev=2 canceled", "id=0 rev=2 [put a=1@2]"], Show(Drain(stream)));
    }
}
