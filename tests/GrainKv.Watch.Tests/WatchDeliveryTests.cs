using Etcdserverpb;
using static GrainKv.Watch.Tests.WatchFixture;
using FilterType = Etcdserverpb.WatchCreateRequest.Types.FilterType;

namespace GrainKv.Watch.Tests;

public class WatchDeliveryTests
{
    [Fact]
    public void OnApplied_LiveWatcher_GetsCreatedThenOneResponsePerRevisionWithItsRevisionInTheHeader()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", "\0"));

        fixture.Put("a", "1");
        fixture.Put("b", "1");
        fixture.Delete("a");

        Assert.Equal(
            ["id=0 rev=1 created", "id=0 rev=2 [put a=1@2]", "id=0 rev=3 [put b=1@3]", "id=0 rev=4 [delete a@4]"],
            Show(stream.TakeOutbox()));
    }

    [Fact]
    public void OnApplied_TxnWithSeveralChanges_DeliversThemInOneResponseInSubRevisionOrder()
    {
        var fixture = new WatchFixture();
        fixture.Put("b", "0");
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", "\0"));

        fixture.Txn(
            new RequestOp { RequestPut = new PutRequest { Key = B("c"), Value = B("1") } },
            new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B("b") } },
            new RequestOp { RequestPut = new PutRequest { Key = B("a"), Value = B("1") } });

        Assert.Equal(["id=0 rev=2 created", "id=0 rev=3 [put c=1@3, delete b@3, put a=1@3]"], Show(stream.TakeOutbox()));
    }

    [Fact]
    public void OnApplied_DeleteRangeOfManyKeys_DeliversKeyOrderAsOneRevision()
    {
        var fixture = new WatchFixture();
        fixture.Put("b", "1");
        fixture.Put("a", "1");
        fixture.Put("c", "1");
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", "c"));

        fixture.Delete("a", "\0");

        Assert.Equal(["id=0 rev=4 created", "id=0 rev=5 [delete a@5, delete b@5]"], Show(stream.TakeOutbox()));
    }

    public static TheoryData<FilterType[], string[]> Filters => new()
    {
        { [], ["put a=1@2", "delete a@3", "put a=2@4"] },
        { [FilterType.Noput], ["delete a@3"] },
        { [FilterType.Nodelete], ["put a=1@2", "put a=2@4"] },
        { [FilterType.Noput, FilterType.Nodelete], [] },
    };

    [Theory, MemberData(nameof(Filters))]
    public void OnApplied_WithFilters_DropsFilteredEventTypes(FilterType[] filters, string[] expected)
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", filters: filters));

        fixture.Put("a", "1");
        fixture.Delete("a");
        fixture.Put("a", "2");

        Assert.Equal(expected, Drain(stream).SelectMany(response => response.Events).Select(Show));
    }

    [Theory, MemberData(nameof(Filters))]
    public void TakeOutbox_ReplayWithFilters_DropsFilteredEventTypes(FilterType[] filters, string[] expected)
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        fixture.Put("a", "1");
        fixture.Delete("a");
        fixture.Put("a", "2");

        stream.Handle(Create("a", startRevision: 1, filters: filters));

        Assert.Equal(expected, Drain(stream).SelectMany(response => response.Events).Select(Show));
    }

    [Theory]
    [InlineData(false, "put a=1@2|put a=2@3|delete a@4|put a=3@5")]
    [InlineData(true, "put a=1@2|put a=2@3 prev=1@2|delete a@4 prev=2@3|put a=3@5")]
    public void OnApplied_PrevKv_IsAttachedOnlyWhenAskedAndNeverToACreatingPut(bool prevKv, string expected)
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", prevKv: prevKv));

        fixture.Put("a", "1");
        fixture.Put("a", "2");
        fixture.Delete("a");
        fixture.Put("a", "3");

        Assert.Equal(expected, string.Join("|", Drain(stream).SelectMany(response => response.Events).Select(Show)));
    }

    [Fact]
    public void OnApplied_WatchersWithAndWithoutPrevKvOnOneRevision_EachGetTheirShape()
    {
        var fixture = new WatchFixture();
        fixture.Put("a", "1");
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", prevKv: true));
        stream.Handle(Create("a"));

        fixture.Put("a", "2");

        Assert.Equal(["id=0 rev=2 created", "id=1 rev=2 created", "id=0 rev=3 [put a=2@3 prev=1@2]", "id=1 rev=3 [put a=2@3]"], Show(stream.TakeOutbox()));
    }

    [Theory]
    [InlineData(false, "put a=1@2|put a=2@3|delete a@4")]
    [InlineData(true, "put a=1@2|put a=2@3 prev=1@2|delete a@4 prev=2@3")]
    public void TakeOutbox_ReplayWithPrevKv_MatchesTheLivePath(bool prevKv, string expected)
    {
        var fixture = new WatchFixture();
        fixture.Put("a", "1");
        fixture.Put("a", "2");
        fixture.Delete("a");
        var stream = fixture.Hub.OpenStream();

        stream.Handle(Create("a", startRevision: 2, prevKv: prevKv));

        Assert.Equal(expected, string.Join("|", Drain(stream).SelectMany(response => response.Events).Select(Show)));
    }

    [Fact]
    public void TakeOutbox_PastStartRevision_ReplaysHistoryInclusiveThenJoinsLiveWithNoGapOrDuplicate()
    {
        var fixture = new WatchFixture();
        for (var i = 0; i < 5; i++)
        {
            fixture.Put("a", $"{i}");
        }
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", startRevision: 4));
        fixture.Put("a", "5");

        var replayed = stream.TakeOutbox();
        fixture.Put("a", "6");
        var live = stream.TakeOutbox();

        // The replay ran when the stream was drained, with the store at revision 7.
        Assert.Equal(["id=0 rev=6 created", "id=0 rev=7 [put a=2@4, put a=3@5, put a=4@6, put a=5@7]"], Show(replayed));
        Assert.Equal(["id=0 rev=8 [put a=6@8]"], Show(live));
    }

    [Fact]
    public void TakeOutbox_LongHistory_ReplaysInBatchesOfAtMostTheBatchRevisions()
    {
        var fixture = new WatchFixture(new WatchHubOptions { ReplayBatchRevisions = 3 });
        for (var i = 0; i < 7; i++)
        {
            fixture.Put("a", $"{i}");
        }
        var stream = fixture.Hub.OpenStream();

        stream.Handle(Create("a", startRevision: 2));

        var batches = stream.TakeOutbox().Skip(1).Select(response => string.Join(",", response.Events.Select(change => change.Kv.ModRevision)));
        Assert.Equal(["2,3,4", "5,6,7", "8"], batches);
    }

    [Fact]
    public void OnApplied_FutureStartRevision_DeliversFromThatRevisionOn()
    {
        var fixture = new WatchFixture();
        var stream = fixture.Hub.OpenStream();
        stream.Handle(Create("a", startRevision: 4));

        for (var i = 0; i < 4; i++)
        {
            fixture.Put("a", $"{i}");
        }

        Assert.Equal(["id=0 rev=1 created", "id=0 rev=4 [put a=2@4]", "id=0 rev=5 [put a=3@5]"], Show(Drain(stream)));
    }

    [Fact]
    public void OnApplied_ManyWatchersOnManyStreams_EachGetsOnlyItsKeys()
    {
        var fixture = new WatchFixture();
        var first = fixture.Hub.OpenStream();
        var second = fixture.Hub.OpenStream();
        first.Handle(Create("a"));
        first.Handle(Create("b"));
        second.Handle(Create("a", "c"));

        fixture.Put("a", "1");
        fixture.Put("b", "1");
        fixture.Put("c", "1");

        Assert.Equal(["id=0 rev=1 created", "id=1 rev=1 created", "id=0 rev=2 [put a=1@2]", "id=1 rev=3 [put b=1@3]"], Show(first.TakeOutbox()));
        Assert.Equal(["id=0 rev=1 created", "id=0 rev=2 [put a=1@2]", "id=0 rev=3 [put b=1@3]"], Show(second.TakeOutbox()));
    }
}
