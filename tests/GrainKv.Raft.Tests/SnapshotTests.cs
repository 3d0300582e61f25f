using GrainKv.Raft.Tests.Harness;

namespace GrainKv.Raft.Tests;

public sealed class SnapshotTests
{
    [Fact]
    public void InstallSnapshot_FollowerBehindCompactedLog_RestoresAndCatchesUp()
    {
        var cluster = RaftCluster.Create(seed: 30, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(3);
        for (var i = 0; i < 10; i++) cluster.Propose(1, $"v{i}");
        cluster[1].TakeSnapshot();
        cluster.Propose(1, "after");
        var snapshotsSent = 0;
        cluster.DropWhen = m =>
        {
            if (m.Type == MessageType.InstallSnapshot) snapshotsSent++;
            return false;
        };

        cluster.Heal();
        cluster.TickAll(3);

        Assert.Equal(1, snapshotsSent);
        Assert.Equal(11UL, cluster[3].Storage.Snapshot?.Metadata.Index);
        Assert.Equal(cluster[1].Applied, cluster[3].Applied);
        Assert.Equal(12UL, cluster[3].AppliedIndex);
    }

    [Fact]
    public void InstallSnapshot_SnapshotLost_ResentAfterTimeout()
    {
        var cluster = RaftCluster.Create(seed: 31, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(3);
        for (var i = 0; i < 3; i++) cluster.Propose(1, $"v{i}");
        cluster[1].TakeSnapshot();
        var dropped = 0;
        cluster.DropWhen = m => m.Type == MessageType.InstallSnapshot && dropped++ == 0;

        cluster.Heal();
        cluster.TickAll(40);

        Assert.Equal(2, dropped);
        Assert.Equal(cluster[1].Applied, cluster[3].Applied);
    }

    [Fact]
    public void Restart_FromSnapshotAndLogTail_KeepsAppliedStateAndLog()
    {
        var cluster = RaftCluster.Create(seed: 32, voters: 3);
        cluster.Elect(1);
        for (var i = 0; i < 4; i++) cluster.Propose(1, $"v{i}");
        cluster[2].TakeSnapshot();
        cluster.Propose(1, "tail");

        cluster.Restart(2);
        cluster.TickAll(3);

        Assert.Equal(5UL, cluster[2].Storage.Snapshot?.Metadata.Index);
        Assert.Equal(cluster[1].Applied, cluster[2].Applied);
        Assert.Equal(6UL, cluster[2].Node.Status.LastIndex);
    }

    [Fact]
    public void ReportSnapshotTaken_PastApplied_ThrowsInvariant()
    {
        var cluster = RaftCluster.Create(seed: 33, voters: 1);
        var node = cluster.Elect(1);
        var snapshot = new Snapshot { Metadata = new SnapshotMetadata { Index = 5, Term = 1, ConfState = new ConfState() } };

        Assert.Throws<InvariantViolationException>(() => node.Node.ReportSnapshotTaken(5, snapshot));
    }
}
