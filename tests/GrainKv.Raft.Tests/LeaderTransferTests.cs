using Google.Protobuf;
using GrainKv.Raft.Tests.Harness;

namespace GrainKv.Raft.Tests;

public sealed class LeaderTransferTests
{
    [Fact]
    public void TransferLeadership_UpToDateFollower_TargetLeadsAtNextTerm()
    {
        var cluster = RaftCluster.Create(seed: 40, voters: 3);
        cluster.Elect(1);
        var term = cluster[1].Node.Term;

        Assert.Null(cluster[1].Node.TransferLeadership(2));
        cluster.Stabilize();

        Assert.Equal(RaftRole.Leader, cluster[2].Node.Role);
        Assert.Equal(term + 1, cluster[2].Node.Term);
        Assert.Equal(2UL, cluster[1].Node.LeaderId);
    }

    [Fact]
    public void TransferLeadership_LaggingTarget_CatchesUpThenLeads()
    {
        var cluster = RaftCluster.Create(seed: 41, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(3);
        for (var i = 0; i < 3; i++) cluster.Propose(1, $"v{i}");
        cluster.Heal();

        cluster[1].Node.TransferLeadership(3);
        cluster.Stabilize();

        Assert.Equal(RaftRole.Leader, cluster[3].Node.Role);
        Assert.Equal(cluster[1].Applied.Select(e => e.Data), cluster[3].Applied.Take(cluster[1].Applied.Count).Select(e => e.Data));
    }

    [Fact]
    public void Propose_DuringTransfer_DroppedUntilTransferAbandoned()
    {
        var cluster = RaftCluster.Create(seed: 42, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(3);
        cluster.Propose(1, "a");
        cluster[1].Node.TransferLeadership(3);

        Assert.Equal(RaftError.ProposalDropped, cluster[1].Node.Propose(ByteString.CopyFromUtf8("b")));
        cluster.TickAll(cluster[1].Config.ElectionTimeoutTicks);
        Assert.Equal(RaftRole.Leader, cluster[1].Node.Role);
        Assert.Null(cluster[1].Node.Propose(ByteString.CopyFromUtf8("c")));
    }

    [Fact]
    public void TransferLeadership_NonVoter_InvalidTarget()
    {
        var cluster = RaftCluster.Create(seed: 43, voters: 3);
        cluster.Elect(1);

        Assert.Equal(RaftError.InvalidTransferTarget, cluster[1].Node.TransferLeadership(9));
    }

    [Fact]
    public void TransferLeadership_ToItself_NoOpThatKeepsLeadingInItsTerm()
    {
        var cluster = RaftCluster.Create(seed: 43, voters: 3);
        cluster.Elect(1);
        var term = cluster[1].Node.Term;

        Assert.Null(cluster[1].Node.TransferLeadership(1));
        cluster.Stabilize();

        Assert.Equal(RaftRole.Leader, cluster[1].Node.Role);
        Assert.Equal(term, cluster[1].Node.Term);
        Assert.Null(cluster[1].Node.Propose(ByteString.CopyFromUtf8("a")));
    }

    [Fact]
    public void TransferLeadership_ToItselfDuringTransfer_CallsTheTransferOff()
    {
        var cluster = RaftCluster.Create(seed: 45, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(3);
        cluster.Propose(1, "a");
        cluster[1].Node.TransferLeadership(3);

        Assert.Null(cluster[1].Node.TransferLeadership(1));

        Assert.Null(cluster[1].Node.Propose(ByteString.CopyFromUtf8("b")));
    }

    [Fact]
    public void TransferLeadership_Follower_ReturnsNotLeader()
    {
        var cluster = RaftCluster.Create(seed: 44, voters: 3);
        cluster.Elect(1);

        Assert.Equal(RaftError.NotLeader, cluster[2].Node.TransferLeadership(3));
    }
}
