using static GrainKv.Watch.Tests.WatchFixture;

namespace GrainKv.Watch.Tests;

public class WatchCompactionTests
{
    [Fact]
    public void TakeOutbox_StartBelowCompactRevision_AnswersCreatedThenCompactionCancel()
    {
        var fixture = new WatchFixture();
        fixture.Put("a", "1");
        fixture.Put("a", "2");
        fixture.Compact(3);
        var stream = fixture.Hub.OpenStream();

        stream.Handle(Create("a", startRevision: 2));
        fixture.Put("a", "3");

        Assert.Equal(["id=0 rev=3 created", "id=0 rev=0 canceled compact=3"], Show(Drain(stream)));
    }

    [Fact]
    public void TakeOutbox_StartAtCompactRevision_ReplaysWhatTheStoreRetains()
    {
        var fixture = new WatchFixture();
        fixture.Put("a", "1");
        fixture.Put("a", "2");
        fixture.Compact(3);
        var stream = fixture.Hub.OpenStream();

        stream.Handle(Create("a", startRevision: 3));

        Assert.Equal(["id=0 rev=3 created", "id=0 rev=3 [put a=2@3]"], Show(Drain(stream)));
    }

    [Fact]
    public void TakeOutbox_CompactionOvertakesALaggingWatcher_CancelsItAfterTheEventsItGot()
    {
        var fixture = new WatchFixture(new WatchHubOptions { SendBufferResponses = 2 });
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a"));
        fixture.Put("a", "1");
        fixture.Put("a", "2");
        fixture.Put("a", "3");
        fixture.Compact(4);
        fixture.Put("a", "4");

        Assert.Equal(["id=0 rev=1 created", "id=0 rev=2 [put a=1@2]", "id=0 rev=0 canceled compact=4"], Show(Drain(stream)));
        fixture.Put("a", "5");
        Assert.False(stream.HasOutput);
    }

    [Fact]
    public void TakeOutbox_CompactionBehindALiveWatcher_DoesNotCancelIt()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a"));
        fixture.Put("a", "1");
        fixture.Put("a", "2");

        fixture.Compact(3);
        fixture.Put("a", "3");

        Assert.Equal(["id=0 rev=1 created", "id=0 rev=2 [put a=1@2]", "id=0 rev=3 [put a=2@3]", "id=0 rev=4 [put a=3@4]"], Show(Drain(stream)));
    }
}
