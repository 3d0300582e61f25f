using Google.Protobuf;
using GrainKv.Raft.Tests.Harness;

namespace GrainKv.Raft.Tests;

public sealed class ProposalForwardingTests
{
    private static IEnumerable<string> AppliedData(TestNode node) => node.Applied.Select(e => e.Data.ToStringUtf8());

    [Fact]
    public void Forward_FromFollower_LeaderAppendsItAndEveryNodeAppliesIt()
    {
        var cluster = RaftCluster.Create(seed: 40, voters: 3);
        cluster.Elect(1);

        Assert.Null(cluster[2].Node.Forward(ByteString.CopyFromUtf8("from-2")));
        cluster.Stabilize();

        Assert.All(cluster.Nodes, n => Assert.Equal(["", "from-2"], AppliedData(n)));
        Assert.Equal(cluster[1].Node.Term, cluster[2].Storage.Entries[^1].Term);
    }

    [Fact]
    public void Forward_ByLeaderOrByFollowerWithoutLeader_IsRefused()
    {
        var cluster = RaftCluster.Create(seed: 41, voters: 3);

        Assert.Equal(RaftError.NotLeader, cluster[2].Node.Forward(ByteString.CopyFromUtf8("nobody leads")));
        cluster.Elect(1);
        Assert.Equal(RaftError.NotLeader, cluster[1].Node.Forward(ByteString.CopyFromUtf8("leader")));
    }

    [Fact]
    public void Forward_ArrivingAfterItsTermEnded_IsDroppedEvenByTheReelectedLeader()
    {
        var cluster = RaftCluster.Create(seed: 42, voters: 3);
        cluster.Elect(1);
        var held = new List<Message>();
        cluster.DropWhen = m =>
        {
            if (m.Type != MessageType.Propose) return false;
            held.Add(m);
            return true;
        };
        Assert.Null(cluster[2].Node.Forward(ByteString.CopyFromUtf8("late")));
        cluster.Stabilize();

        Assert.Null(cluster[1].Node.TransferLeadership(3));
        cluster.Stabilize();
        Assert.Null(cluster[3].Node.TransferLeadership(1));
        cluster.Stabilize();
        Assert.Equal(RaftRole.Leader, cluster[1].Node.Role);
        cluster.DropWhen = null;
        Assert.True(cluster[1].Node.Term > Assert.Single(held).Term);
        cluster.Deliver(held[0]);
        cluster.Stabilize();

        Assert.All(cluster.Nodes, n => Assert.DoesNotContain("late", AppliedData(n)));
    }

    [Fact]
    public void Forward_WhileLeaderHandsOver_IsDropped()
    {
        var cluster = RaftCluster.Create(seed: 43, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(3);
        Assert.Null(cluster[1].Node.TransferLeadership(3));

        Assert.Null(cluster[2].Node.Forward(ByteString.CopyFromUtf8("during transfer")));
        cluster.Stabilize();

        Assert.DoesNotContain("during transfer", AppliedData(cluster[1]));
        Assert.DoesNotContain("during transfer", AppliedData(cluster[2]));
    }
}
