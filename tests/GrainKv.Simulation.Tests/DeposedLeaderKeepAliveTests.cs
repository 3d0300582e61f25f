using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Raft;
using GrainKv.Shard;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// The lock simulation's finding, replayed step by step on a calm three-replica cluster: a leader
/// whose disk hangs sends nothing while its write is in flight (its heartbeats wait behind it), so the
/// others elect a new leader before its own check quorum deposes it, and meanwhile it still takes
/// requests. It must not renew a lease the new leader is counting down.
/// </summary>
public sealed class DeposedLeaderKeepAliveTests
{
    private const long LeaseId = 7;
    private const long LeaseTtlSeconds = 3;

    [Fact]
    public void KeepAlive_OnLeaderDeposedWhileItsDiskHangs_IsRefusedNotRenewed()
    {
        var cluster = CalmCluster();
        var oldLeader = RunUntil(cluster, () => cluster.Leader);
        Assert.Equal(ShardError.None, Answer(cluster, oldLeader.Core.Propose(Grant())).Error);

        cluster.StallDisk(oldLeader.Id, 10 * cluster.Options.ElectionTimeoutMs);
        // The hang bites on the next write: give the leader one.
        oldLeader.Core.Propose(new ShardCommand { Put = new PutRequest { Key = ByteString.CopyFromUtf8("k") } });
        oldLeader.Pump();
        var newLeader = RunUntil(cluster, () => cluster.Leader is { } leader && leader.Id != oldLeader.Id ? leader : null);
        Assert.Equal(RaftRole.Leader, oldLeader.Node.Role);

        var onOldLeader = Answer(cluster, oldLeader.Core.Read(KeepAlive()));
        var onNewLeader = Answer(cluster, newLeader.Core.Read(KeepAlive()));

        Assert.Equal(ShardError.NotLeader, onOldLeader.Error);
        Assert.Equal(ShardError.None, onNewLeader.Error);
        Assert.Equal(LeaseTtlSeconds, onNewLeader.LeaseKeepAlive.TTL);
    }

    private static SimulatedCluster CalmCluster()
    {
        var random = new SeededRandomSource(1);
        var options = SimulationOptions.Draw(random, LockSimulationOptions.TickMs) with { Replicas = 3, DropPercent = 0, DuplicatePercent = 0 };
        var cluster = new SimulatedCluster(1, random, options);
        cluster.Network.Faulty = false;
        return cluster;
    }

    private static ShardCommand Grant() => new() { LeaseGrant = new LeaseGrantRequest { ID = LeaseId, TTL = LeaseTtlSeconds } };

    private static ShardRead KeepAlive() => new() { LeaseKeepAlive = new LeaseKeepAliveRequest { ID = LeaseId } };

    private static ShardReply Answer(SimulatedCluster cluster, Task<ShardReply> reply)
    {
        foreach (var replica in cluster.Replicas) replica.Pump();
        return RunUntil(cluster, () => reply.IsCompleted ? reply.Result : null);
    }

    /// <summary>Runs the cluster until <paramref name="outcome"/> has a value; a stall as long as the whole hang fails the test.</summary>
    private static T RunUntil<T>(SimulatedCluster cluster, Func<T?> outcome) where T : class
    {
        var untilMs = cluster.Clock.NowMs + 20 * cluster.Options.ElectionTimeoutMs;
        while (outcome() is null)
        {
            if (!cluster.RunNext(untilMs)) cluster.Fail($"nothing happened within {untilMs}ms: {cluster.Describe()}");
        }
        return outcome()!;
    }
}
