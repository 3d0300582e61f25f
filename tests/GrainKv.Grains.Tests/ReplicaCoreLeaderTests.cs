using GrainKv.Grains.Replication;
using GrainKv.Raft;
using GrainKv.Shard;
using static GrainKv.Grains.Tests.FollowerReplicas;

namespace GrainKv.Grains.Tests;

/// <summary>
/// How a front door learns where the leader is without polling: a refusal names the leader the refusing replica knows,
/// and a replica tells when it knows a leader other than a stale one.
/// </summary>
public sealed class ReplicaCoreLeaderTests
{
    [Fact]
    public async Task Propose_BeforeAnyLeaderIsKnown_IsRefusedNamingNone()
    {
        var reply = await Follower(replicaId: 2).Propose(Put("k"));

        Assert.Equal(ShardError.NotLeader, reply.Error);
        Assert.Equal(0UL, reply.LeaderId);
    }

    [Fact]
    public async Task WaitForLeader_NoneKnown_AnswersWhenTheReplicaHearsFromOne()
    {
        var core = Follower(replicaId: 2);

        var leader = core.WaitForLeader(stale: 0);

        Assert.False(leader.IsCompleted);
        Receive(core, from: 1, count: 1);
        Assert.True(leader.IsCompletedSuccessfully);
        Assert.Equal(Leader, await leader);
    }

    [Fact]
    public async Task WaitForLeader_AnotherLeaderKnown_AnswersAtOnce()
    {
        var core = Follower(replicaId: 2);
        Receive(core, from: 1, count: 1);

        var leader = core.WaitForLeader(stale: 3);

        Assert.True(leader.IsCompletedSuccessfully);
        Assert.Equal(Leader, await leader);
    }

    [Fact]
    public async Task WaitForLeader_OnlyTheStaleLeaderKnown_WaitsForANewOne()
    {
        var core = Follower(replicaId: 2);
        Receive(core, from: 1, count: 1);

        var leader = core.WaitForLeader(stale: Leader);

        Assert.False(leader.IsCompleted);
        Heartbeat(core, from: 3, term: Term + 1);
        Assert.True(leader.IsCompletedSuccessfully);
        Assert.Equal(3UL, await leader);
    }

    [Fact]
    public async Task WaitForLeader_TheStaleLeaderElectedAgain_AnswersItInItsNewTerm()
    {
        var core = Follower(replicaId: 2);
        Receive(core, from: 1, count: 1);

        var leader = core.WaitForLeader(stale: Leader);
        Heartbeat(core, from: Leader, term: Term);
        Assert.False(leader.IsCompleted);
        Heartbeat(core, from: Leader, term: Term + 1);

        Assert.True(leader.IsCompletedSuccessfully);
        Assert.Equal(Leader, await leader);
    }

    [Fact]
    public async Task WaitForLeader_ReplicaStops_AnswersNone()
    {
        var core = Follower(replicaId: 2);
        var leader = core.WaitForLeader(stale: 0);

        core.Stop();

        Assert.Equal(0UL, await leader);
    }

    /// <summary>A heartbeat from <paramref name="from"/> as leader of <paramref name="term"/>, handled as ReplicaDriver handles it.</summary>
    private static void Heartbeat(ReplicaCore core, ulong from, ulong term)
    {
        core.Step(new Message { Type = MessageType.Heartbeat, From = from, To = core.Key.ReplicaId, Term = term, Commit = 1 });
        if (core.TakeReady() is not { } ready) return;
        core.Apply(ready);
        core.Advance(ready);
    }
}
