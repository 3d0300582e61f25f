using GrainKv.Raft.Tests.Harness;

namespace GrainKv.Raft.Tests;

public sealed class ReadIndexTests
{
    [Fact]
    public void ReadIndex_ThreeVoters_AnsweredAfterHeartbeatQuorumWithCommitIndex()
    {
        var cluster = RaftCluster.Create(seed: 20, voters: 3);
        cluster.Elect(1);
        cluster.Propose(1, "a");
        var heartbeatContexts = new List<int>();
        cluster.DropWhen = m =>
        {
            if (m.Type == MessageType.Heartbeat) heartbeatContexts.Add(m.Context.Length);
            return false;
        };

        Assert.Null(cluster[1].Node.ReadIndex(77));
        cluster.Stabilize();

        Assert.Equal(new ReadState(77, 2), Assert.Single(cluster[1].ReadStates));
        Assert.Contains(sizeof(ulong), heartbeatContexts);
    }

    [Fact]
    public void ReadIndex_ManyBeforeOneReady_ShareOneHeartbeatRound()
    {
        var cluster = RaftCluster.Create(seed: 24, voters: 3);
        cluster.Elect(1);
        cluster.Propose(1, "a");
        var heartbeats = 0;
        cluster.DropWhen = m =>
        {
            if (m.Type == MessageType.Heartbeat) heartbeats++;
            return false;
        };

        for (ulong id = 1; id <= 10; id++) Assert.Null(cluster[1].Node.ReadIndex(id));
        cluster.Stabilize();

        Assert.Equal(Enumerable.Range(1, 10).Select(id => new ReadState((ulong)id, 2)), cluster[1].ReadStates);
        Assert.Equal(2, heartbeats);
    }

    [Fact]
    public void ReadIndex_OneFollowerDown_StillAnswered()
    {
        var cluster = RaftCluster.Create(seed: 21, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(3);

        cluster[1].Node.ReadIndex(5);
        cluster.Stabilize();

        Assert.Equal(new ReadState(5, 1), Assert.Single(cluster[1].ReadStates));
    }

    [Fact]
    public void ReadIndex_LeaderCutOffFromQuorum_NeverAnswered()
    {
        var cluster = RaftCluster.Create(seed: 22, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(1);

        cluster[1].Node.ReadIndex(5);
        cluster.TickAll(5);

        Assert.Empty(cluster[1].ReadStates);
    }

    [Fact]
    public void ReadIndex_SeveralPending_OneQuorumAnswerReleasesAllInOrder()
    {
        var cluster = RaftCluster.Create(seed: 23, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(1);
        cluster[1].Node.ReadIndex(1);
        cluster[1].Node.ReadIndex(2);
        cluster.Stabilize();
        Assert.Empty(cluster[1].ReadStates);

        cluster.Heal();
        cluster[1].Node.ReadIndex(3);
        cluster.Stabilize();

        Assert.Equal([1UL, 2UL, 3UL], cluster[1].ReadStates.Select(r => r.RequestId));
    }

    [Fact]
    public void ReadIndex_Follower_ReturnsNotLeader()
    {
        var cluster = RaftCluster.Create(seed: 24, voters: 3);
        cluster.Elect(1);

        Assert.Equal(RaftError.NotLeader, cluster[2].Node.ReadIndex(1));
    }
}
