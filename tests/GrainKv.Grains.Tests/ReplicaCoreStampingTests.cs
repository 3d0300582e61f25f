using Google.Protobuf;
using GrainKv.Grains.Replication;
using GrainKv.Raft;
using GrainKv.Shard;
using static GrainKv.Grains.Tests.FollowerReplicas;

namespace GrainKv.Grains.Tests;

/// <summary>
/// With several shards a shard's leader stamps each write with a revision from the oracle before appending it, in the
/// order the writes came, so revisions grow in log order; followers do not take writes.
/// </summary>
public sealed class ReplicaCoreStampingTests
{
    [Fact]
    public async Task Leader_AppendsWritesOnlyOnceTheirRevisionsCame_AndTheyCommitAtThem_InOrder()
    {
        var oracle = new HandOutRevisions();
        var core = SoleLeader(oracle);

        var first = core.Propose(Put("a"));
        var second = core.Propose(Put("b"));
        Drive(core);

        Assert.False(first.IsCompleted);
        Assert.Equal(2, oracle.Waiting);
        oracle.Grant(7);
        oracle.Grant(9);
        Drive(core);

        Assert.Equal(7, (await first).Put.Header.Revision);
        Assert.Equal(9, (await second).Put.Header.Revision);
    }

    [Fact]
    public async Task FailedAllocation_FailsTheWriteThatAskedFirst_TheOtherStillCommits()
    {
        var oracle = new HandOutRevisions();
        var core = SoleLeader(oracle);

        var first = core.Propose(Put("a"));
        var second = core.Propose(Put("b"));
        oracle.Fail(ShardError.NoLeader);
        oracle.Grant(12);
        Drive(core);

        Assert.Equal(ShardError.NoLeader, (await first).Error);
        Assert.Equal(12, (await second).Put.Header.Revision);
    }

    [Fact]
    public void Follower_ForwardsWritesToItsLeader_Unstamped_AndAsksTheOracleNothing()
    {
        var oracle = new HandOutRevisions();
        var core = Replica(2, [1, 2, 3], revisions: oracle);
        Receive(core, from: 1, count: 1);

        _ = core.Propose(Put("a"));
        var ready = core.TakeReady()!;

        var forwarded = Assert.Single(ready.Messages, m => m.Type == MessageType.Propose);
        Assert.Equal(Leader, forwarded.To);
        Assert.Equal(0, ShardCommand.Parser.ParseFrom(Assert.Single(forwarded.Entries).Data).Revision);
        Assert.Equal(0, oracle.Waiting);
    }

    [Fact]
    public void Leader_StampsAWriteForwardedToIt_BeforeAppendingIt()
    {
        var oracle = new HandOutRevisions();
        var core = SoleLeader(oracle);
        var forwarded = Put("a");
        forwarded.Proposer = 2;
        forwarded.ProposalId = 77;

        core.Step(new Message { Type = MessageType.Propose, From = 2, To = 1, Entries = { new Entry { Type = EntryType.EntryNormal, Data = forwarded.ToByteString() } } });
        Assert.Null(core.TakeReady());
        oracle.Grant(31);
        var ready = core.TakeReady()!;

        var appended = ShardCommand.Parser.ParseFrom(Assert.Single(ready.EntriesToPersist).Data);
        Assert.Equal((31L, 2UL, 77UL), (appended.Revision, appended.Proposer, appended.ProposalId));
    }

    [Fact]
    public async Task Stop_RefusesWritesWaitingForRevisions_AndRevisionsThatComeLaterServeNoOne()
    {
        var oracle = new HandOutRevisions();
        var core = SoleLeader(oracle);
        var waiting = core.Propose(Put("a"));

        core.Stop();
        oracle.Grant(5);

        Assert.Equal(ShardError.Stopped, (await waiting).Error);
        Assert.Null(core.TakeReady());
    }

    /// <summary>The oracle by hand: each request waits until the test grants it a revision or fails it, in order.</summary>
    private sealed class HandOutRevisions : IRevisionSource
    {
        private readonly Queue<(Action<long> Granted, Action<ShardError> Failed)> _requests = new();

        public int Waiting => _requests.Count;

        public void Request(Action<long> granted, Action<ShardError> failed) => _requests.Enqueue((granted, failed));

        public void Grant(long revision) => _requests.Dequeue().Granted(revision);

        public void Fail(ShardError error) => _requests.Dequeue().Failed(error);
    }
}
