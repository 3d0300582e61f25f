using GrainKv.Raft.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Raft.Tests;

public sealed class ElectionTests
{
    [Fact]
    public void Tick_ThreeVoters_ExactlyOneLeaderEmerges()
    {
        var cluster = RaftCluster.Create(seed: 1, voters: 3);

        cluster.TickAll(40);

        var leader = Assert.Single(cluster.Nodes, n => n.Node.Role == RaftRole.Leader);
        Assert.All(cluster.Nodes, n => Assert.Equal(leader.Id, n.Node.LeaderId));
        Assert.All(cluster.Nodes, n => Assert.Equal(1UL, n.AppliedIndex));
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void Tick_RandomizedTimeout_CampaignsWithinElectionToTwiceElection(ulong seed)
    {
        var config = new RaftConfig { Id = 1, ElectionTimeoutTicks = 10, InitialVoters = [1, 2, 3] };
        var node = new RaftNode(config, RaftDurableState.Empty, new SeededRandomSource(seed), NullLogger.Instance);

        var ticks = 0;
        while (node.Role == RaftRole.Follower && ticks < 100)
        {
            node.Tick();
            ticks++;
        }

        Assert.InRange(ticks, 10, 19);
        Assert.Equal(RaftRole.PreCandidate, node.Role);
        Assert.Equal(0UL, node.Term);
    }

    [Fact]
    public void Step_VoteGranted_PersistsVoteBeforeAnswering()
    {
        var node = new RaftNode(new RaftConfig { Id = 2, InitialVoters = [1, 2, 3] }, RaftDurableState.Empty, new SeededRandomSource(1), NullLogger.Instance);

        node.Step(new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 1 });
        var ready = node.TakeReady();

        Assert.NotNull(ready);
        Assert.Equal(new HardState { Term = 1, Vote = 1 }, ready.HardState);
        Assert.Empty(ready.Messages);
        var answer = Assert.Single(ready.MessagesAfterPersist);
        Assert.Equal((MessageType.VoteResponse, false, 1UL), (answer.Type, answer.Reject, answer.Term));
    }

    [Fact]
    public void Step_VoteFromCandidateWithStaleLog_IsRejected()
    {
        var storage = new MemoryRaftStorage();
        storage.Persist(new RaftReady
        {
            HardState = new HardState { Term = 2 },
            EntriesToPersist = [new Entry { Index = 1, Term = 1 }, new Entry { Index = 2, Term = 2 }],
        });
        var node = new TestNode(new RaftConfig { Id = 2, InitialVoters = [1, 2, 3] }, 1, storage);

        node.Node.Step(new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 3, Index = 5, LogTerm = 1 });
        var sent = node.HandleReady();

        Assert.NotNull(sent);
        Assert.True(Assert.Single(sent).Reject);
        Assert.Equal(0UL, node.Storage.HardState.Vote);
        Assert.Equal(3UL, node.Storage.HardState.Term);
    }

    [Fact]
    public void Step_SecondCandidateSameTerm_IsRejected()
    {
        var node = new RaftNode(new RaftConfig { Id = 2, InitialVoters = [1, 2, 3] }, RaftDurableState.Empty, new SeededRandomSource(1), NullLogger.Instance);

        node.Step(new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 1 });
        node.Step(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = 1 });
        var ready = node.TakeReady()!;

        Assert.Equal([false, true], ready.MessagesAfterPersist.Select(m => m.Reject));
    }

    [Fact]
    public void PreVote_IsolatedFollowerRejoins_LeaderKeepsTerm()
    {
        var cluster = RaftCluster.Create(seed: 2, voters: 3);
        var leader = cluster.Elect(1);
        var term = leader.Node.Term;

        cluster.Isolate(3);
        cluster.TickAll(100);
        Assert.Equal(term, cluster[3].Node.Term);
        cluster.Heal();
        cluster.TickAll(5);

        Assert.Equal(RaftRole.Leader, leader.Node.Role);
        Assert.Equal(term, leader.Node.Term);
        Assert.Equal(1UL, cluster[3].Node.LeaderId);
    }

    [Fact]
    public void Vote_WithoutPreVoteIsolatedNodeRejoins_DeposesLeader()
    {
        var cluster = RaftCluster.Create(seed: 2, voters: 3, c => c with { PreVote = false, CheckQuorum = false });
        var leader = cluster.Elect(1);
        var term = leader.Node.Term;

        cluster.Isolate(3);
        cluster.TickAll(30);
        cluster.Heal();
        cluster.TickAll(30);

        Assert.True(leader.Node.Term > term + 1);
    }

    [Fact]
    public void CheckQuorum_IsolatedLeader_StepsDownWithinTwoElectionTimeouts()
    {
        var cluster = RaftCluster.Create(seed: 3, voters: 3);
        var leader = cluster.Elect(1);

        cluster.Isolate(1);
        for (var i = 0; i < 2 * leader.Config.ElectionTimeoutTicks; i++) cluster.Tick(1);

        Assert.Equal(RaftRole.Follower, leader.Node.Role);
    }

    [Fact]
    public void CheckQuorum_LeaderWithQuorum_StaysLeader()
    {
        var cluster = RaftCluster.Create(seed: 3, voters: 3);
        var leader = cluster.Elect(1);

        cluster.Isolate(3);
        cluster.TickAll(50);

        Assert.Equal(RaftRole.Leader, leader.Node.Role);
    }

    [Fact]
    public void Partition_LeaderIsolated_MajorityElectsNewLeaderAtHigherTerm()
    {
        var cluster = RaftCluster.Create(seed: 4, voters: 5);
        var old = cluster.Elect(1);

        cluster.Isolate(1);
        cluster.TickAll(60);

        var leader = cluster.Leader;
        Assert.NotNull(leader);
        Assert.NotEqual(1UL, leader.Id);
        Assert.True(leader.Node.Term > 1);
        cluster.Heal();
        cluster.TickAll(5);
        Assert.Equal(leader.Id, old.Node.LeaderId);
    }

    [Fact]
    public void Restart_AfterVoting_DoesNotVoteAgainInSameTerm()
    {
        var storage = new MemoryRaftStorage();
        var voter = new TestNode(new RaftConfig { Id = 2, InitialVoters = [1, 2, 3] }, 1, storage);
        voter.Node.Step(new Message { Type = MessageType.Vote, From = 1, To = 2, Term = 1 });
        voter.HandleReady();

        var restarted = new TestNode(voter.Config, 2, storage);
        restarted.Node.Step(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = 1 });
        var sent = restarted.HandleReady();

        Assert.NotNull(sent);
        Assert.True(Assert.Single(sent).Reject);
    }
}
