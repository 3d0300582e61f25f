using Etcdserverpb;
using Google.Protobuf;
using Mvccpb;

namespace GrainKv.Client.Tests;

public sealed class ResumableWatchStateTests
{
    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    private static WatchRequest Create(string key, long startRevision = 0, bool prevKv = false, long watchId = 0) =>
        new() { CreateRequest = new WatchCreateRequest { Key = B(key), StartRevision = startRevision, PrevKv = prevKv, WatchId = watchId } };

    private static WatchRequest Cancel(long watchId) => new() { CancelRequest = new WatchCancelRequest { WatchId = watchId } };

    private static WatchRequest Progress() => new() { ProgressRequest = new WatchProgressRequest() };

    private static WatchResponse Created(long watchId, long revision) =>
        new() { Header = new ResponseHeader { Revision = revision }, WatchId = watchId, Created = true };

    private static WatchResponse Refused(long revision, string reason) =>
        new() { Header = new ResponseHeader { Revision = revision }, WatchId = -1, Created = true, Canceled = true, CancelReason = reason };

    private static WatchResponse Canceled(long watchId, long revision) =>
        new() { Header = new ResponseHeader { Revision = revision }, WatchId = watchId, Canceled = true };

    private static WatchResponse ProgressAnswer(long revision) => new() { Header = new ResponseHeader { Revision = revision }, WatchId = -1 };

    private static WatchResponse Events(long watchId, bool fragment = false, params long[] revisions)
    {
        var response = new WatchResponse { Header = new ResponseHeader { Revision = revisions.Max() }, WatchId = watchId, Fragment = fragment };
        foreach (var revision in revisions) response.Events.Add(new Event { Kv = new KeyValue { Key = B("k"), ModRevision = revision } });
        return response;
    }

    /// <summary>A state with one watcher, id 0 on key "a" (prev_kv), created at revision 10.</summary>
    private static ResumableWatchState Watching(long startRevision = 0)
    {
        var state = new ResumableWatchState();
        state.FromClient(Create("a", startRevision, prevKv: true));
        Assert.Single(state.FromUpstream(Created(0, 10)));
        return state;
    }

    private static WatchCreateRequest SingleCreate(IReadOnlyList<WatchRequest> requests) => Assert.Single(requests).CreateRequest;

    [Fact]
    public void Resume_AfterEvents_RecreatesTheWatcherUnderItsIdFromTheNextRevision()
    {
        var state = Watching();
        Assert.Single(state.FromUpstream(Events(0, false, 11)));
        Assert.Single(state.FromUpstream(Events(0, false, 12, 12, 13)));

        var create = SingleCreate(state.Resume());

        Assert.Equal((B("a"), 0L, 14L, true), (create.Key, create.WatchId, create.StartRevision, create.PrevKv));
        Assert.Empty(state.FromUpstream(Created(0, 20)));
        Assert.Single(state.FromUpstream(Events(0, false, 14)));
    }

    [Theory]
    [InlineData(0L, 11L)]
    [InlineData(5L, 5L)]
    [InlineData(30L, 30L)]
    public void Resume_BeforeAnyEvent_StartsWhereTheWatcherWouldHave(long startRevision, long resumedStart)
    {
        var state = Watching(startRevision);

        Assert.Equal(resumedStart, SingleCreate(state.Resume()).StartRevision);
    }

    [Fact]
    public void Resume_UnansweredRequests_SentAgainInOrderAfterTheWatchers()
    {
        var state = Watching();
        state.FromClient(Progress());
        state.FromClient(Create("b"));

        var resumed = state.Resume();

        Assert.Equal(
            [WatchRequest.RequestUnionOneofCase.CreateRequest, WatchRequest.RequestUnionOneofCase.ProgressRequest, WatchRequest.RequestUnionOneofCase.CreateRequest],
            resumed.Select(r => r.RequestUnionCase));
        Assert.Equal((B("a"), B("b")), (resumed[0].CreateRequest.Key, resumed[2].CreateRequest.Key));
        Assert.Empty(state.FromUpstream(Created(0, 20)));
        Assert.Equal(20, Assert.Single(state.FromUpstream(ProgressAnswer(20))).Header.Revision);
        Assert.Equal(1, Assert.Single(state.FromUpstream(Created(1, 20))).WatchId);
        Assert.Equal(2, state.WatcherCount);
    }

    [Fact]
    public void Resume_AnsweredRequests_NotSentAgain()
    {
        var state = Watching();
        state.FromClient(Progress());
        state.FromUpstream(ProgressAnswer(10));

        Assert.Single(state.Resume());
    }

    [Fact]
    public void FromUpstream_CancelAnswered_WatcherIsGone()
    {
        var state = Watching();
        state.FromClient(Cancel(0));

        Assert.True(Assert.Single(state.FromUpstream(Canceled(0, 10))).Canceled);
        Assert.Empty(state.Resume());
    }

    [Fact]
    public void Resume_UnansweredCancel_RecreatesTheWatcherThenCancelsItAgain()
    {
        var state = Watching();
        state.FromClient(Cancel(0));

        var resumed = state.Resume();

        Assert.Equal([WatchRequest.RequestUnionOneofCase.CreateRequest, WatchRequest.RequestUnionOneofCase.CancelRequest], resumed.Select(r => r.RequestUnionCase));
        Assert.Empty(state.FromUpstream(Created(0, 12)));
        Assert.Single(state.FromUpstream(Canceled(0, 12)));
        Assert.Equal(0, state.WatcherCount);
    }

    [Fact]
    public void FromClient_CancelOfUnknownWatcher_NotKeptForResume()
    {
        var state = Watching();
        state.FromClient(Cancel(7));

        Assert.Single(state.Resume());
    }

    [Fact]
    public void FromUpstream_Fragments_HeldBackUntilTheLastThenAllPassedOn()
    {
        var state = Watching();

        Assert.Empty(state.FromUpstream(Events(0, true, 11)));
        Assert.Empty(state.FromUpstream(Events(0, true, 11)));
        var complete = state.FromUpstream(Events(0, false, 11));

        Assert.Equal([true, true, false], complete.Select(r => r.Fragment));
        Assert.Equal(12, SingleCreate(state.Resume()).StartRevision);
    }

    [Fact]
    public void Resume_MidFragments_DropsThePartAndReplaysTheWholeRevision()
    {
        var state = Watching();
        Assert.Single(state.FromUpstream(Events(0, false, 11)));
        Assert.Empty(state.FromUpstream(Events(0, true, 12)));

        Assert.Equal(12, SingleCreate(state.Resume()).StartRevision);
        Assert.Empty(state.FromUpstream(Created(0, 12)));
        Assert.Single(state.FromUpstream(Events(0, false, 12)));
    }

    [Fact]
    public void FromUpstream_RefusedCreate_PassedOnAndNothingToResume()
    {
        var state = new ResumableWatchState();
        state.FromClient(Create("a", watchId: 3));

        Assert.True(Assert.Single(state.FromUpstream(Refused(10, "mvcc: duplicate watch ID provided on the WatchStream"))).Canceled);
        Assert.Empty(state.Resume());
    }

    [Fact]
    public void FromUpstream_ResumedWatcherRefused_ClientHearsItIsCanceled()
    {
        var state = Watching();
        state.Resume();

        var told = Assert.Single(state.FromUpstream(Refused(20, "etcdserver: permission denied")));

        Assert.Equal((0L, true, false, "etcdserver: permission denied"), (told.WatchId, told.Canceled, told.Created, told.CancelReason));
        Assert.Equal(0, state.WatcherCount);
    }

    [Fact]
    public void FromUpstream_CompactionCancel_PassedOnAndWatcherGone()
    {
        var state = Watching(startRevision: 2);
        state.Resume();
        Assert.Empty(state.FromUpstream(Created(0, 20)));

        var canceled = Assert.Single(state.FromUpstream(new WatchResponse { Header = new ResponseHeader(), WatchId = 0, Canceled = true, CompactRevision = 5 }));

        Assert.Equal(5, canceled.CompactRevision);
        Assert.Empty(state.Resume());
    }

    [Fact]
    public void FromUpstream_EventsOfUnknownWatcher_Dropped()
    {
        var state = Watching();

        Assert.Empty(state.FromUpstream(Events(9, false, 11)));
    }

    /// <summary>Watchers 0 and 1 created, 1 cancelled: an upstream counting afresh would hand out 1 again.</summary>
    private static ResumableWatchState WatchingAfterACancel()
    {
        var state = Watching();
        state.FromClient(Create("b"));
        state.FromUpstream(Created(1, 10));
        state.FromClient(Cancel(1));
        state.FromUpstream(Canceled(1, 10));
        return state;
    }

    [Fact]
    public void FromClient_CreateBeforeAnyResume_IdLeftToTheServer()
    {
        var state = WatchingAfterACancel();

        Assert.Equal(0, state.FromClient(Create("c")).CreateRequest.WatchId);
    }

    [Fact]
    public void FromClient_CreateAfterAResume_GetsAnIdNeverHandedOut()
    {
        var state = WatchingAfterACancel();
        state.Resume();
        state.FromUpstream(Created(0, 12));

        Assert.Equal(2, state.FromClient(Create("c")).CreateRequest.WatchId);
        Assert.Equal(3, state.FromClient(Create("d")).CreateRequest.WatchId);
        Assert.Equal(7, state.FromClient(Create("e", watchId: 7)).CreateRequest.WatchId);
    }

    [Fact]
    public void Resume_UnansweredCreate_SentWithAnIdNeverHandedOut()
    {
        var state = WatchingAfterACancel();
        state.FromClient(Create("c"));

        var resumed = state.Resume();

        Assert.Equal([0L, 2L], resumed.Select(r => r.CreateRequest.WatchId));
        Assert.Empty(state.FromUpstream(Created(0, 12)));
        Assert.Equal(2, Assert.Single(state.FromUpstream(Created(2, 12))).WatchId);
        Assert.Equal(2, state.WatcherCount);
    }
}
