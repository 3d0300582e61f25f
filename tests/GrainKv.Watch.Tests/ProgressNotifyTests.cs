using static GrainKv.Watch.Tests.WatchFixture;

namespace GrainKv.Watch.Tests;

public class ProgressNotifyTests
{
    [Fact]
    public void NotifyProgress_QuietWatcherThatAskedForIt_GetsTheCurrentRevisionWithItsId()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", progressNotify: true));
        fixture.Put("b", "1");
        stream.TakeOutbox();

        fixture.Hub.NotifyProgress();

        Assert.Equal(["id=0 rev=2"], Show(stream.TakeOutbox()));
    }

    [Fact]
    public void NotifyProgress_WatcherThatDidNotAsk_GetsNothing()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a"));
        stream.TakeOutbox();

        fixture.Hub.NotifyProgress();

        Assert.False(stream.HasOutput);
    }

    [Fact]
    public void NotifyProgress_WatcherThatGotEventsSinceTheLastRound_IsSkippedOnce()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", progressNotify: true));
        fixture.Put("a", "1");
        stream.TakeOutbox();

        fixture.Hub.NotifyProgress();
        var afterEvents = stream.TakeOutbox();
        fixture.Hub.NotifyProgress();
        var afterQuietInterval = stream.TakeOutbox();

        Assert.Empty(afterEvents);
        Assert.Equal(["id=0 rev=2"], Show(afterQuietInterval));
    }

    [Fact]
    public void NotifyProgress_LaggingWatcher_GetsNoProgressUntilCaughtUp()
    {
        var fixture = new WatchFixture();
        fixture.Put("a", "1");
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", startRevision: 2, progressNotify: true));

        fixture.Hub.NotifyProgress();

        Assert.Equal(["id=0 rev=2 created", "id=0 rev=2 [put a=1@2]"], Show(stream.TakeOutbox()));
    }
}
