using Etcdserverpb;
using static GrainKv.Watch.Tests.WatchFixture;

namespace GrainKv.Watch.Tests;

public class WatchStreamRequestTests
{
    public static TheoryData<string, string, string> CreateRanges => new()
    {
        // key, range_end, the first response
        { "a", "", "id=0 rev=1 created" },
        { "a", "b", "id=0 rev=1 created" },
        { "a", "\0", "id=0 rev=1 created" },
        { "", "\0", "id=0 rev=1 created" },
        { "", "", "id=0 rev=1 created" },
        { "b", "a", "id=-1 rev=1 created canceled reason=mvcc: watcher range is empty" },
        { "a", "a", "id=-1 rev=1 created canceled reason=mvcc: watcher range is empty" },
        { "", "\0\0", "id=0 rev=1 created" },
    };

    [Theory, MemberData(nameof(CreateRanges))]
    public void Handle_CreateWithRange_AnswersCreatedOrRangeEmpty(string key, string rangeEnd, string expected)
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();

        stream.Handle(Create(key, rangeEnd));

        Assert.Equal([expected], Show(stream.TakeOutbox()));
    }

    public static TheoryData<string, string, string, string[]> RangeSelections => new()
    {
        // key, range_end, keys written, keys seen
        { "b", "", "a,b,ba,c", ["b"] },
        { "b", "c", "a,b,ba,c", ["b", "ba"] },
        { "b", "\0", "a,b,ba,c", ["b", "ba", "c"] },
        { "", "\0", "a,b,ba,c", ["a", "b", "ba", "c"] },
        { "", "", "\0,a", ["\0"] },
        { "a\u007f", "b", "a,a\u007f,a\u007fz,b", ["a\u007f", "a\u007fz"] },
    };

    [Theory, MemberData(nameof(RangeSelections))]
    public void OnApplied_WatchedRange_DeliversOnlyKeysInRange(string key, string rangeEnd, string written, string[] seen)
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create(key, rangeEnd));

        foreach (var writtenKey in written.Split(','))
        {
            fixture.Put(writtenKey, "v");
        }

        var keys = Drain(stream).SelectMany(response => response.Events).Select(change => change.Kv.Key.ToStringUtf8());
        Assert.Equal(seen, keys);
    }

    [Fact]
    public void Handle_CreatesWithoutId_AssignsSequentialIdsFromZeroSkippingUsedOnes()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();

        stream.Handle(Create("a", watchId: 1));
        stream.Handle(Create("a"));
        stream.Handle(Create("a"));
        stream.Handle(Create("a", watchId: 3));
        stream.Handle(Create("a"));

        Assert.Equal(["id=1 rev=1 created", "id=0 rev=1 created", "id=2 rev=1 created", "id=3 rev=1 created", "id=4 rev=1 created"], Show(stream.TakeOutbox()));
    }

    [Fact]
    public void Handle_CreateWithIdInUse_AnswersDuplicateWatchId()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", watchId: 7));

        stream.Handle(Create("b", watchId: 7));

        Assert.Equal(
            ["id=7 rev=1 created", "id=-1 rev=1 created canceled reason=mvcc: duplicate watch ID provided on the WatchStream"],
            Show(stream.TakeOutbox()));
    }

    [Fact]
    public void Handle_SameIdOnAnotherStream_IsNoDuplicate()
    {
        var fixture = new WatchFixture();
        var first = fixture.Hub.OpenStream();
        var second = fixture.Hub.OpenStream();
        first.Handle(Create("a", watchId: 7));

        second.Handle(Create("a", watchId: 7));

        Assert.Equal(["id=7 rev=1 created"], Show(second.TakeOutbox()));
    }

    [Fact]
    public void Handle_AssignedIdAfterCancel_DoesNotReuseTheCanceledId()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a"));
        stream.Handle(Cancel(0));

        stream.Handle(Create("a"));

        Assert.Equal(["id=0 rev=1 created", "id=0 rev=1 canceled", "id=1 rev=1 created"], Show(stream.TakeOutbox()));
    }

    [Fact]
    public void Handle_CancelOfExistingWatch_AnswersCanceledAndStopsEvents()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a"));
        fixture.Put("a", "1");

        stream.Handle(Cancel(0));
        fixture.Put("a", "2");

        Assert.Equal(["id=0 rev=1 created", "id=0 rev=2 [put a=1@2]", "id=0 rev=2 canceled"], Show(Drain(stream)));
    }

    [Fact]
    public void Handle_CancelOfUnknownId_AnswersNothing()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();

        stream.Handle(Cancel(5));

        Assert.False(stream.HasOutput);
        Assert.Empty(stream.TakeOutbox());
    }

    [Fact]
    public void Handle_ProgressRequest_AnswersCurrentRevisionWithWatchIdMinusOne()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        fixture.Put("a", "1");
        fixture.Put("b", "1");

        stream.Handle(Progress());

        Assert.Equal(["id=-1 rev=3"], Show(stream.TakeOutbox()));
    }

    [Fact]
    public void Handle_RequestWithNothingSet_IsIgnored()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();

        stream.Handle(new WatchRequest());

        Assert.False(stream.HasOutput);
    }

    [Fact]
    public void RefuseCreate_BetweenCreates_AnswersInRequestOrder()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();

        stream.Handle(Create("a"));
        stream.RefuseCreate("rpc error: code = PermissionDenied desc = etcdserver: permission denied");
        stream.Handle(Create("b"));

        Assert.Equal(
            ["id=0 rev=1 created", "id=-1 rev=1 created canceled reason=rpc error: code = PermissionDenied desc = etcdserver: permission denied", "id=1 rev=1 created"],
            Show(stream.TakeOutbox()));
    }

    [Fact]
    public void Handle_EveryCreate_IsAnsweredOnceInOrder()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        fixture.Put("a", "1");
        fixture.Compact(2);

        stream.Handle(Create("a", startRevision: 1));
        stream.Handle(Create("b", "a"));
        stream.Handle(Create("a", watchId: 0));
        stream.Handle(Create("a", startRevision: 2));

        var created = Drain(stream).Where(response => response.Created).Select(response => response.WatchId);
        Assert.Equal([0L, -1L, 1L, 2L], created);
    }

    [Fact]
    public void CloseStream_WithWatchers_ProducesNothingMore()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a"));
        fixture.Hub.TakeReadyStreams();
        stream.TakeOutbox();

        fixture.Hub.CloseStream(stream);
        fixture.Put("a", "1");

        Assert.Empty(fixture.Hub.TakeReadyStreams());
        Assert.False(stream.HasOutput);
    }

    [Fact]
    public void TakeReadyStreams_AfterWrites_ListsEachStreamWithNewOutputOnce()
    {
        var fixture = new WatchFixture();
        var watching = fixture.Hub.OpenStream();
        var idle = fixture.Hub.OpenStream();
        watching.Handle(Create("a"));
        idle.Handle(Create("z"));
        fixture.Hub.TakeReadyStreams();

        fixture.Put("a", "1");
        fixture.Put("a", "2");

        Assert.Equal([watching.Id], fixture.Hub.TakeReadyStreams().Select(stream => stream.Id));
        Assert.Empty(fixture.Hub.TakeReadyStreams());
    }
}
