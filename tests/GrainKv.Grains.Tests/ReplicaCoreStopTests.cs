using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Replication;
using GrainKv.Shard;

namespace GrainKv.Grains.Tests;

/// <summary>
/// A replica its silo's driver dropped (fenced by a newer replica of its group, or deactivated) still believes it
/// leads, but will never commit again: what it was asked before ends as stopped, what it is asked after is refused as
/// by a replica that does not lead, so a front door goes looking for the group's real leader.
/// </summary>
public sealed class ReplicaCoreStopTests
{
    [Fact]
    public async Task StoppedLeader_PendingProposalStopped_LaterProposalsAndReadsRefusedAsNotLeading()
    {
        var core = SoleLeader();
        var pending = core.Propose(Put("a"));

        core.Stop();

        Assert.Equal(ShardError.Stopped, (await pending).Error);
        var later = await core.Propose(Put("b"));
        Assert.Equal((ShardError.NotLeader, 0UL), (later.Error, later.LeaderId));
        var linearizable = await core.Read(new ShardRead { Range = new RangeRequest { Key = ByteString.CopyFromUtf8("a") } });
        Assert.Equal(ShardError.NotLeader, linearizable.Error);
        var serializable = await core.Read(new ShardRead { Serializable = true, Range = new RangeRequest { Key = ByteString.CopyFromUtf8("a") } });
        Assert.Equal(ShardError.Stopped, serializable.Error);
    }

    [Fact]
    public async Task LiveLeader_TakesTheSameProposal()
    {
        var core = SoleLeader();

        var proposal = core.Propose(Put("b"));
        Drive(core);

        Assert.Equal(ShardError.None, (await proposal).Error);
    }

    /// <summary>The only voter of shard 1, elected, as its driver would have it.</summary>
    private static ReplicaCore SoleLeader()
    {
        var core = FollowerReplicas.Replica(1, [1]);
        core.Campaign();
        Drive(core);
        Assert.Equal(1UL, core.GetStatus().LeaderId);
        return core;
    }

    /// <summary>What the driver does with a ready: everything persisted at once, applied and advanced.</summary>
    private static void Drive(ReplicaCore core)
    {
        while (core.TakeReady() is { } ready)
        {
            core.Apply(ready);
            core.Advance(ready);
        }
    }

    private static ShardCommand Put(string key) => new() { Put = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8("v") } };
}
