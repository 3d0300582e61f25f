using GrainKv.Raft.Tests.Harness;

namespace GrainKv.Raft.Tests;

public sealed class MembershipTests
{
    private static RaftCluster ClusterWithLearner4(ulong seed)
    {
        var cluster = RaftCluster.Create(seed, voters: 3);
        cluster.Elect(1);
        cluster.Start(4, joining: true);
        Assert.Null(cluster[1].Node.ProposeConfChange(new ConfChange { Type = ConfChangeType.AddLearner, NodeId = 4 }));
        cluster.Stabilize();
        cluster.TickAll(2);
        return cluster;
    }

    [Fact]
    public void AddLearner_NewNode_ReceivesTheLogAndIsListedAsLearner()
    {
        var cluster = ClusterWithLearner4(seed: 50);

        cluster.Propose(1, "a");
        cluster.TickAll(2);

        Assert.Equal([4UL], cluster[1].Node.Status.ConfState.Learners);
        Assert.Equal([1UL, 2UL, 3UL], cluster[1].Node.Status.ConfState.Voters);
        Assert.Equal(cluster[1].Applied, cluster[4].Applied);
        Assert.Equal([4UL], cluster[4].Node.Status.ConfState.Learners);
    }

    [Fact]
    public void Learner_WithOneVoterLeft_DoesNotMakeAQuorum()
    {
        var cluster = ClusterWithLearner4(seed: 51);
        cluster.Isolate(2);
        cluster.Isolate(3);

        cluster.Propose(1, "needs a voter quorum");
        cluster.Tick(1);

        Assert.Equal(cluster[1].Node.Status.LastIndex - 1, cluster[1].Node.Status.CommitIndex);
        Assert.Equal(cluster[1].Node.Status.LastIndex, cluster[4].Node.Status.LastIndex);
    }

    [Fact]
    public void Learner_IsolatedForLong_NeverCampaigns()
    {
        var cluster = ClusterWithLearner4(seed: 52);
        var term = cluster[4].Node.Term;

        cluster.Isolate(4);
        cluster.TickAll(100);

        Assert.Equal(RaftRole.Follower, cluster[4].Node.Role);
        Assert.Equal(term, cluster[4].Node.Term);
    }

    [Fact]
    public void Learner_VoteRequest_Rejected()
    {
        var cluster = ClusterWithLearner4(seed: 53);
        var learner = cluster[4];
        cluster.Isolate(4);
        cluster.TickAll(2 * learner.Config.ElectionTimeoutTicks); // past the leader lease, so the request is considered

        learner.Node.Step(new Message { Type = MessageType.Vote, From = 2, To = 4, Term = learner.Node.Term + 1, Index = 100, LogTerm = 100 });
        var sent = learner.HandleReady();

        Assert.NotNull(sent);
        Assert.True(Assert.Single(sent).Reject);
    }

    [Fact]
    public void AddVoter_PromotedLearner_CanBecomeLeader()
    {
        var cluster = ClusterWithLearner4(seed: 54);

        Assert.Null(cluster[1].Node.ProposeConfChange(new ConfChange { Type = ConfChangeType.AddVoter, NodeId = 4 }));
        cluster.Stabilize();
        cluster[1].Node.TransferLeadership(4);
        cluster.Stabilize();

        Assert.Equal([1UL, 2UL, 3UL, 4UL], cluster[4].Node.Status.ConfState.Voters);
        Assert.Equal(RaftRole.Leader, cluster[4].Node.Role);
    }

    [Fact]
    public void RemoveNode_Follower_NoLongerReplicatedAndQuorumShrinks()
    {
        var cluster = RaftCluster.Create(seed: 55, voters: 3);
        cluster.Elect(1);

        cluster[1].Node.ProposeConfChange(new ConfChange { Type = ConfChangeType.RemoveNode, NodeId = 3 });
        cluster.Stabilize();
        cluster.TickAll(2);
        var removedLast = cluster[3].Node.Status.LastIndex;
        cluster.Propose(1, "after removal");

        Assert.Equal([1UL, 2UL], cluster[1].Node.Status.ConfState.Voters);
        Assert.Equal(removedLast, cluster[3].Node.Status.LastIndex);
        Assert.Equal(cluster[1].Node.Status.LastIndex, cluster[1].Node.Status.CommitIndex);
    }

    [Fact]
    public void RemoveNode_Leader_StepsDownAndRemainingVotersElect()
    {
        var cluster = RaftCluster.Create(seed: 56, voters: 3);
        cluster.Elect(1);

        cluster[1].Node.ProposeConfChange(new ConfChange { Type = ConfChangeType.RemoveNode, NodeId = 1 });
        cluster.Stabilize();
        Assert.Equal(RaftRole.Follower, cluster[1].Node.Role);
        cluster.TickAll(40);

        var leader = cluster.Leader;
        Assert.NotNull(leader);
        Assert.NotEqual(1UL, leader.Id);
        Assert.Equal([2UL, 3UL], leader.Node.Status.ConfState.Voters);
    }

    [Fact]
    public void ProposeConfChange_PreviousChangeUncommitted_ConfChangeInProgress()
    {
        var cluster = RaftCluster.Create(seed: 57, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(1);

        Assert.Null(cluster[1].Node.ProposeConfChange(new ConfChange { Type = ConfChangeType.AddLearner, NodeId = 4 }));
        cluster.Stabilize();

        Assert.Equal(RaftError.ConfChangeInProgress, cluster[1].Node.ProposeConfChange(new ConfChange { Type = ConfChangeType.AddLearner, NodeId = 5 }));
    }

    [Fact]
    public void ProposeConfChange_RemoveLastVoter_Invalid()
    {
        var cluster = RaftCluster.Create(seed: 58, voters: 1);
        cluster.Elect(1);

        Assert.Equal(RaftError.InvalidConfChange, cluster[1].Node.ProposeConfChange(new ConfChange { Type = ConfChangeType.RemoveNode, NodeId = 1 }));
    }

    [Fact]
    public void Restart_AfterConfChanges_MembershipRebuiltFromLog()
    {
        var cluster = ClusterWithLearner4(seed: 59);

        cluster.Restart(2);

        Assert.Equal([4UL], cluster[2].Node.Status.ConfState.Learners);
        Assert.Equal([1UL, 2UL, 3UL], cluster[2].Node.Status.ConfState.Voters);
    }
}
