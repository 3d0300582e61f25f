using GrainKv.Raft.Tests.Harness;

namespace GrainKv.Raft.Tests;

public sealed class ReplicationTests
{
    private static IEnumerable<string> AppliedData(TestNode node) => node.Applied.Select(e => e.Data.ToStringUtf8());

    [Fact]
    public void Propose_ThreeVoters_EveryNodeAppliesSameEntries()
    {
        var cluster = RaftCluster.Create(seed: 10, voters: 3);
        cluster.Elect(1);

        foreach (var command in new[] { "a", "b", "c" }) Assert.Null(cluster.Propose(1, command));
        cluster.TickAll(2);

        Assert.All(cluster.Nodes, n => Assert.Equal(["", "a", "b", "c"], AppliedData(n)));
    }

    [Fact]
    public void Propose_FollowerIsolated_QuorumCommitsAndFollowerCatchesUpAfterHeal()
    {
        var cluster = RaftCluster.Create(seed: 11, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(3);

        for (var i = 0; i < 5; i++) cluster.Propose(1, $"v{i}");
        Assert.Equal(6UL, cluster[1].AppliedIndex);
        Assert.Equal(1UL, cluster[3].AppliedIndex);
        cluster.Heal();
        cluster.TickAll(3);

        Assert.Equal(AppliedData(cluster[1]), AppliedData(cluster[3]));
    }

    [Fact]
    public void Append_FollowerWithConflictingSuffix_SuffixReplaced()
    {
        var cluster = RaftCluster.Create(seed: 12, voters: 3);
        cluster.Elect(1);
        cluster.Isolate(1);
        for (var i = 0; i < 30; i++) cluster.Propose(1, $"lost{i}");
        cluster.TickAll(40);
        var leader = cluster.Leader!;
        Assert.NotEqual(1UL, leader.Id);
        for (var i = 0; i < 30; i++) cluster.Propose(leader.Id, $"kept{i}");
        cluster.Heal();
        cluster.TickAll(3);

        Assert.Equal(RaftRole.Follower, cluster[1].Node.Role);
        Assert.Equal(AppliedData(leader), AppliedData(cluster[1]));
        Assert.DoesNotContain(AppliedData(cluster[1]), d => d.StartsWith("lost", StringComparison.Ordinal));
        Assert.Equal(leader.Storage.Entries, cluster[1].Storage.Entries);
    }

    [Fact]
    public void Append_ByteLimitPerMessage_SendsOneEntryPerMessage()
    {
        var cluster = RaftCluster.Create(seed: 13, voters: 3, c => c with { MaxEntriesBytesPerMessage = 1 });
        cluster.Elect(1);
        cluster.Isolate(3);
        for (var i = 0; i < 6; i++) cluster.Propose(1, $"v{i}");
        var entriesPerAppend = new List<int>();
        cluster.DropWhen = m =>
        {
            if (m.Type == MessageType.Append && m.To == 3 && m.Entries.Count > 0) entriesPerAppend.Add(m.Entries.Count);
            return false;
        };

        cluster.Heal();
        cluster.TickAll(3);

        Assert.NotEmpty(entriesPerAppend);
        Assert.All(entriesPerAppend, count => Assert.Equal(1, count));
        Assert.Equal(AppliedData(cluster[1]), AppliedData(cluster[3]));
    }

    [Fact]
    public void Append_AcknowledgementsLost_AtMostInflightWindowOfAppendsOutstanding()
    {
        var cluster = RaftCluster.Create(seed: 14, voters: 3, c => c with { MaxInflightMessages = 2 });
        cluster.Elect(1);
        cluster.Propose(1, "replicating");
        var appendsToThree = 0;
        cluster.DropWhen = m =>
        {
            if (m.Type == MessageType.Append && m.To == 3 && m.Entries.Count > 0) appendsToThree++;
            return false;
        };
        cluster.BlockOneWay(3, 1);

        for (var i = 0; i < 6; i++) cluster.Propose(1, $"v{i}");

        Assert.Equal(2, appendsToThree);
        Assert.Equal(8UL, cluster[1].Node.Status.CommitIndex);
    }

    [Fact]
    public void Heartbeat_FollowerBehind_CarriesCommitNoHigherThanItsMatch()
    {
        var cluster = RaftCluster.Create(seed: 15, voters: 3);
        cluster.Elect(1);
        var heartbeatCommits = new List<ulong>();
        cluster.DropWhen = m =>
        {
            if (m.To != 3) return false;
            if (m.Type == MessageType.Heartbeat) heartbeatCommits.Add(m.Commit);
            return m.Type == MessageType.Append;
        };

        for (var i = 0; i < 4; i++) cluster.Propose(1, $"v{i}");
        cluster.TickAll(3);

        Assert.Equal(5UL, cluster[1].Node.Status.CommitIndex);
        Assert.NotEmpty(heartbeatCommits);
        Assert.All(heartbeatCommits, commit => Assert.True(commit <= 1, $"heartbeat commit {commit} is past the follower's match"));
    }

    [Fact]
    public void Append_FromStaleTermLeader_StaleLeaderStepsDown()
    {
        // Without check-quorum the cut-off leader keeps leading; pre-vote keeps it from hearing
        // the new term through vote requests, so the answer to its append must tell it.
        var cluster = RaftCluster.Create(seed: 16, voters: 3, c => c with { CheckQuorum = false });
        cluster.Elect(1);
        cluster.Isolate(1);
        cluster.TickAll(40);
        var leader = cluster.Nodes.Single(n => n.Id != 1 && n.Node.Role == RaftRole.Leader);
        Assert.Equal(RaftRole.Leader, cluster[1].Node.Role);

        cluster.Heal();
        cluster.Propose(1, "stale");

        Assert.Equal(RaftRole.Follower, cluster[1].Node.Role);
        Assert.Equal(leader.Node.Term, cluster[1].Node.Term);
        Assert.DoesNotContain(cluster[1].Applied, e => e.Data.ToStringUtf8() == "stale");
    }

    [Fact]
    public void Append_MismatchBehindLongConflictingTerm_RejectHintSkipsTheWholeTerm()
    {
        var storage = new MemoryRaftStorage();
        storage.Persist(new RaftReady
        {
            HardState = new HardState { Term = 1 },
            EntriesToPersist = [.. Enumerable.Range(1, 31).Select(i => new Entry { Index = (ulong)i, Term = 1 })],
        });
        var follower = new TestNode(new RaftConfig { Id = 3, InitialVoters = [1, 2, 3] }, 1, storage);

        follower.Node.Step(new Message { Type = MessageType.Append, From = 2, To = 3, Term = 3, Index = 40, LogTerm = 3 });
        var sent = follower.HandleReady();

        Assert.NotNull(sent);
        var rejection = Assert.Single(sent);
        Assert.Equal((true, 40UL, 31UL, 1UL), (rejection.Reject, rejection.Index, rejection.RejectHint, rejection.LogTerm));
    }

    [Fact]
    public void AppendResponse_RejectWithHint_LeaderProbesBelowTheConflictingTerm()
    {
        var storage = new MemoryRaftStorage();
        storage.Persist(new RaftReady
        {
            HardState = new HardState { Term = 2 },
            EntriesToPersist = [.. Enumerable.Range(1, 10).Select(i => new Entry { Index = (ulong)i, Term = i <= 6 ? 1UL : 2UL })],
        });
        var leader = new TestNode(new RaftConfig { Id = 1, InitialVoters = [1, 2, 3], PreVote = false }, 1, storage);
        leader.Node.Campaign();
        leader.HandleReady();
        leader.Node.Step(new Message { Type = MessageType.VoteResponse, From = 2, To = 1, Term = 3 });
        leader.HandleReady();
        Assert.Equal(RaftRole.Leader, leader.Node.Role);

        // Node 3's entry at 10 is of term 1: none of the leader's term-2 entries can match it,
        // so the next probe goes straight to the last entry of term 1 instead of walking back one by one.
        leader.Node.Step(new Message { Type = MessageType.AppendResponse, From = 3, To = 1, Term = 3, Index = 10, Reject = true, RejectHint = 10, LogTerm = 1 });
        var sent = leader.HandleReady();

        Assert.NotNull(sent);
        var probe = Assert.Single(sent, m => m.Type == MessageType.Append && m.To == 3);
        Assert.Equal((6UL, 1UL), (probe.Index, probe.LogTerm));
    }
}
