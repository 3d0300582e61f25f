using Google.Protobuf;
using GrainKv.Raft.Tests.Harness;

namespace GrainKv.Raft.Tests;

public sealed class SingleVoterTests
{
    private static TestNode NewSingleVoter(MemoryRaftStorage? storage = null) =>
        new(new RaftConfig { Id = 1, InitialVoters = [1] }, seed: 1, storage);

    private static void HandleAll(TestNode node)
    {
        while (node.HandleReady() is not null)
        {
        }
    }

    [Fact]
    public void Campaign_SingleVoter_BecomesLeaderAtTerm1WithEmptyEntry()
    {
        var node = NewSingleVoter();

        node.Node.Campaign();
        HandleAll(node);

        Assert.Equal(RaftRole.Leader, node.Node.Role);
        Assert.Equal(1UL, node.Node.Term);
        Assert.Equal(1UL, node.Node.LeaderId);
        var entry = Assert.Single(node.Applied);
        Assert.Equal((1UL, 1UL, EntryType.EntryNormal, true), (entry.Index, entry.Term, entry.Type, entry.Data.IsEmpty));
        Assert.Equal(new HardState { Term = 1, Vote = 1, Commit = 1 }, node.Storage.HardState);
    }

    [Fact]
    public void Campaign_OwnVoteNotYetDurable_StaysCandidate()
    {
        var node = NewSingleVoter();

        node.Node.Campaign();

        Assert.Equal(RaftRole.Candidate, node.Node.Role);
        var ready = node.Node.TakeReady();
        Assert.NotNull(ready);
        Assert.Equal(new HardState { Term = 1, Vote = 1 }, ready.HardState);
        node.Node.Advance(ready);
        Assert.Equal(RaftRole.Leader, node.Node.Role);
    }

    [Fact]
    public void Tick_ElectionTimeout_SingleVoterBecomesLeader()
    {
        var node = NewSingleVoter();

        for (var i = 0; i < 2 * node.Config.ElectionTimeoutTicks; i++)
        {
            node.Node.Tick();
            HandleAll(node);
        }

        Assert.Equal(RaftRole.Leader, node.Node.Role);
        Assert.Equal(1UL, node.Node.Term);
    }

    [Fact]
    public void Propose_SingleVoter_CommitsOnlyAfterPersisted()
    {
        var node = NewSingleVoter();
        node.Node.Campaign();
        HandleAll(node);

        Assert.Null(node.Node.Propose(ByteString.CopyFromUtf8("put a")));
        var first = node.Node.TakeReady();

        Assert.NotNull(first);
        Assert.Equal("put a", Assert.Single(first.EntriesToPersist).Data.ToStringUtf8());
        Assert.Empty(first.CommittedEntries);
        Assert.Equal(1UL, node.Node.Status.CommitIndex);
        node.Storage.Persist(first);
        node.Node.Advance(first);
        var second = node.Node.TakeReady();
        Assert.NotNull(second);
        Assert.Equal("put a", Assert.Single(second.CommittedEntries).Data.ToStringUtf8());
        Assert.Equal(2UL, second.HardState?.Commit);
    }

    [Fact]
    public void TakeReady_MustSync_OnlyForVotesTermsAndEntries()
    {
        var node = NewSingleVoter();
        node.Node.Campaign();
        var vote = node.Node.TakeReady()!;
        Assert.True(vote.MustSync);
        node.Storage.Persist(vote);
        node.Node.Advance(vote);
        HandleAll(node);

        Assert.Null(node.Node.Propose(ByteString.CopyFromUtf8("put a")));
        var append = node.Node.TakeReady()!;
        Assert.True(append.MustSync);
        node.Storage.Persist(append);
        node.Node.Advance(append);

        var commitOnly = node.Node.TakeReady()!;
        Assert.Single(commitOnly.CommittedEntries);
        Assert.Empty(commitOnly.EntriesToPersist);
        Assert.False(commitOnly.MustSync);
    }

    [Fact]
    public void Propose_NotLeader_ReturnsNotLeader()
    {
        var node = NewSingleVoter();

        Assert.Equal(RaftError.NotLeader, node.Node.Propose(ByteString.CopyFromUtf8("x")));
        Assert.Equal(RaftError.NotLeader, node.Node.ReadIndex(1));
    }

    [Fact]
    public void TakeReady_PreviousBatchNotAdvanced_ReturnsNull()
    {
        var node = NewSingleVoter();
        node.Node.Campaign();

        Assert.NotNull(node.Node.TakeReady());
        Assert.Null(node.Node.TakeReady());
    }

    [Fact]
    public void Restart_AfterCommits_KeepsTermVoteAndLog()
    {
        var node = NewSingleVoter();
        node.Node.Campaign();
        HandleAll(node);
        node.Node.Propose(ByteString.CopyFromUtf8("a"));
        HandleAll(node);

        var restarted = NewSingleVoter(node.Storage);

        Assert.Equal(1UL, restarted.Node.Term);
        Assert.Equal(RaftRole.Follower, restarted.Node.Role);
        Assert.Equal(2UL, restarted.Node.Status.LastIndex);
        Assert.Equal(2UL, restarted.Node.Status.CommitIndex);
        HandleAll(restarted);
        Assert.Equal(["", "a"], restarted.Applied.Select(e => e.Data.ToStringUtf8()));
    }

    [Fact]
    public void Restart_CommitNotPersisted_NewTermEntryCommitsOldEntries()
    {
        var node = NewSingleVoter();
        node.Node.Campaign();
        HandleAll(node);
        node.Node.Propose(ByteString.CopyFromUtf8("a"));
        var ready = node.Node.TakeReady()!;
        node.Storage.Persist(ready); // crash: the entry is durable, the commit that follows is not

        var restarted = NewSingleVoter(node.Storage);
        Assert.Equal(1UL, restarted.Node.Status.CommitIndex);
        restarted.Node.Campaign();
        HandleAll(restarted);

        Assert.Equal(2UL, restarted.Node.Term);
        Assert.Equal(["", "a", ""], restarted.Applied.Select(e => e.Data.ToStringUtf8()));
        Assert.Equal([1UL, 1UL, 2UL], restarted.Applied.Select(e => e.Term));
    }

    [Fact]
    public void ReadIndex_SingleVoterLeader_AnswersAtOnceWithCommitIndex()
    {
        var node = NewSingleVoter();
        node.Node.Campaign();
        HandleAll(node);
        node.Node.Propose(ByteString.CopyFromUtf8("a"));
        HandleAll(node);

        Assert.Null(node.Node.ReadIndex(42));
        HandleAll(node);

        Assert.Equal(new ReadState(42, 2), Assert.Single(node.ReadStates));
    }

    [Fact]
    public void ReadIndex_BeforeLeaderCommitsItsTerm_AnswersAfterItDoes()
    {
        var node = NewSingleVoter();
        node.Node.Campaign();
        var vote = node.Node.TakeReady()!;
        node.Storage.Persist(vote);
        node.Node.Advance(vote); // leader now, its empty entry not yet durable

        Assert.Null(node.Node.ReadIndex(7));
        var append = node.HandleReady();
        Assert.NotNull(append);
        Assert.Empty(node.ReadStates);
        HandleAll(node);

        Assert.Equal(new ReadState(7, 1), Assert.Single(node.ReadStates));
    }
}
