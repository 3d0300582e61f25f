using GrainKv.Grains.Replication;
using GrainKv.Shard;
using static GrainKv.Grains.Tests.FollowerReplicas;

namespace GrainKv.Grains.Tests;

/// <summary>
/// Group 0's leader hands out the revision oracle's revisions from a block it reserved through Raft: one commit per
/// block, each allocation confirmed by a ReadIndex round, in the order asked.
/// </summary>
public sealed class ReplicaCoreRevisionWindowTests
{
    [Fact]
    public async Task Allocations_TakeFromOneReservedBlock_InTheOrderAsked_WithOneCommitForAll()
    {
        var core = SoleLeader();
        var indexBefore = core.GetStatus().CommitIndex;

        var first = core.AllocateRevisions(3);
        var second = core.AllocateRevisions(2);
        Drive(core);
        var third = core.AllocateRevisions(1);
        Drive(core);

        Assert.Equal((2L, 4L), Block(await first));
        Assert.Equal((5L, 6L), Block(await second));
        Assert.Equal((7L, 7L), Block(await third));
        Assert.Equal(indexBefore + 1, core.GetStatus().CommitIndex);
    }

    [Fact]
    public async Task ExhaustedBlock_IsFollowedByAReservationAboveIt()
    {
        var core = SoleLeader();

        var whole = core.AllocateRevisions(RevisionWindow.ReserveStep);
        Drive(core);
        var next = core.AllocateRevisions(1);
        Drive(core);

        Assert.Equal((2L, 1L + RevisionWindow.ReserveStep), Block(await whole));
        Assert.Equal(2L + RevisionWindow.ReserveStep, Block(await next).First);
    }

    [Fact]
    public async Task Follower_RefusesAllocations_NamingItsLeader()
    {
        var core = Follower(replicaId: 2);
        Receive(core, from: 1, count: 1);

        var reply = await core.AllocateRevisions(1);

        Assert.Equal(ShardError.NotLeader, reply.Error);
        Assert.Equal(Leader, reply.LeaderId);
    }

    [Fact]
    public async Task Stop_RefusesAllocationsWaitingForTheirBlock()
    {
        var core = SoleLeader();

        var waiting = core.AllocateRevisions(1);
        core.Stop();

        Assert.Equal(ShardError.Stopped, (await waiting).Error);
    }

    private static (long First, long Last) Block(ShardReply reply)
    {
        Assert.Equal(ShardError.None, reply.Error);
        return (reply.Revisions.First, reply.Revisions.Last);
    }

}
