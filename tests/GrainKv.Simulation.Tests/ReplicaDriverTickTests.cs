using Etcdserverpb;
using GrainKv.Grains;
using Google.Protobuf;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Raft;
using GrainKv.Runtime;
using GrainKv.Runtime.Cluster;
using GrainKv.Shard;
using GrainKv.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// The silo's <see cref="ReplicaDriver"/> on a fake clock, with writes arriving as fast as it takes
/// them or a storage transaction that does not come back: Raft time must run on regardless, or a
/// lease would never expire and a leader cut off from its peers would lead forever.
/// </summary>
public sealed class ReplicaDriverTickTests
{
    private const ulong GroupId = 1;
    private const long LeaseId = 7;
    private const long LeaseTtlSeconds = 2;
    private static readonly ReplicationOptions Options = new() { TickIntervalMs = 100, ElectionTicks = 10 };
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(Options.TickIntervalMs);
    private static readonly TimeSpan ElectionTimeout = Options.ElectionTicks * Tick;

    [Fact]
    public async Task Lease_UnderSustainedFullSpeedWrites_ExpiresOnTime()
    {
        var time = new FakeTimeProvider();
        // Every save takes 10 ms of fake time, and the next batch is always full: the loop never runs dry.
        var disk = new FakeDisk(new InMemoryRaftLogStore(), time, TimeSpan.FromMilliseconds(10));
        var driver = Driver(disk, time);
        await driver.StartAsync(CancellationToken.None);
        try
        {
            var leader = await ElectedLeaderAsync(driver, disk, time, voters: [1]);
            var key = ByteString.CopyFromUtf8("leased");
            var granted = time.GetUtcNow();
            Assert.Equal(ShardError.None, (await Submit(driver, leader, new ShardCommand { LeaseGrant = new LeaseGrantRequest { ID = LeaseId, TTL = LeaseTtlSeconds } })).Error);
            Assert.Equal(ShardError.None, (await Submit(driver, leader, new ShardCommand { Put = new PutRequest { Key = key, Value = key, Lease = LeaseId } })).Error);

            // Writes for ten seconds of fake time (a thousand saves), watching for the leased key to go.
            var saves = 0;
            DateTimeOffset? expired = null;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            disk.Saving += () =>
            {
                if (expired is null && Range(leader, key).Kvs.Count == 0) expired = time.GetUtcNow();
                if (++saves < 1000) Propose(driver, leader, saves);
                else done.TrySetResult();
            };
            Propose(driver, leader, 0);
            await done.Task.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.NotNull(expired);
            Assert.InRange(expired.Value - granted, TimeSpan.FromSeconds(LeaseTtlSeconds), TimeSpan.FromSeconds(LeaseTtlSeconds) + 2 * ElectionTimeout);
        }
        finally
        {
            await driver.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task PartitionedLeader_WhileAWriteHangsUnderSustainedProposals_StepsDownByCheckQuorum()
    {
        var time = new FakeTimeProvider();
        var disk = new FakeDisk(new InMemoryRaftLogStore(), time, TimeSpan.Zero);
        var driver = Driver(disk, time);
        await driver.StartAsync(CancellationToken.None);
        try
        {
            var leader = await ElectedLeaderAsync(driver, disk, time, voters: [1, 2, 3]);

            // Cut off (no peer has a silo: nothing reaches them, nothing comes back) with a write in flight that hangs.
            disk.Hang();
            Propose(driver, leader, 0);
            await UntilAsync(() => disk.Waiting == 1, "the loop never started the write");

            // Writes keep coming, one every tick, for three election timeouts of fake time.
            var ticks = 0;
            while (leader.GetStatus().LeaderId == leader.Key.ReplicaId && ticks < 3 * Options.ElectionTicks)
            {
                Propose(driver, leader, ++ticks);
                time.Advance(Tick);
            }

            Assert.NotEqual(leader.Key.ReplicaId, leader.GetStatus().LeaderId);
            Assert.Equal(1, disk.Waiting);
        }
        finally
        {
            disk.Release();
            await driver.StopAsync(CancellationToken.None);
        }
    }

    private static ReplicaDriver Driver(IRaftLogStore store, TimeProvider time) =>
        new(store, new UnreachablePeers(), Placement(), Options, time, NullLogger<ReplicaDriver>.Instance);

    /// <summary>Replica 1 of <paramref name="voters"/>, elected with replica 2's votes if it needs them.</summary>
    private static async Task<ReplicaCore> ElectedLeaderAsync(ReplicaDriver driver, IRaftLogStore store, TimeProvider time, IReadOnlyList<ulong> voters)
    {
        var generation = await store.ClaimGenerationAsync(GroupId, CancellationToken.None);
        var config = new RaftConfig { Id = 1, ElectionTimeoutTicks = Options.ElectionTicks, InitialVoters = voters };
        var core = RecoveredReplica.From(new ReplicaKey(GroupId, 1), generation, StoredGroupState.Empty, config, new SeededRandomSource(1), NullLogger.Instance,
            new ClusterIdentity(1, 1, "a", [], [], []),
            new ReplicaTiming(ReplicaTiming.MonotonicMs(time), (long)ElectionTimeout.TotalMilliseconds, 100_000)).Core;
        driver.Register(core);
        core.Campaign();
        driver.WakeUp();
        if (voters.Count > 1)
        {
            driver.Deliver(GroupId, new Message { Type = MessageType.PreVoteResponse, From = 2, To = 1, Term = 1 });
            await UntilAsync(() => core.GetStatus().Term == 1, "replica 1 never became a candidate");
            driver.Deliver(GroupId, new Message { Type = MessageType.VoteResponse, From = 2, To = 1, Term = 1 });
        }
        await UntilAsync(() => core.GetStatus().LeaderId == 1, "replica 1 never led");
        return core;
    }

    private static Task<ShardReply> Submit(ReplicaDriver driver, ReplicaCore leader, ShardCommand command)
    {
        var reply = leader.Propose(command);
        driver.WakeUp();
        return reply.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A put whose answer nobody waits for.</summary>
    private static void Propose(ReplicaDriver driver, ReplicaCore leader, int n)
    {
        _ = leader.Propose(new ShardCommand { Put = new PutRequest { Key = ByteString.CopyFromUtf8($"k{n}"), Value = ByteString.CopyFromUtf8("v") } });
        driver.WakeUp();
    }

    private static RangeResponse Range(ReplicaCore replica, ByteString key) =>
        replica.Read(new ShardRead { Serializable = true, Range = new RangeRequest { Key = key, Serializable = true } }).Result.Range;

    /// <summary>Waits for the driver's loop, which runs on a thread of its own, to get somewhere.</summary>
    private static async Task UntilAsync(Func<bool> condition, string failure)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.False(patience.IsCancellationRequested, failure);
            await Task.Delay(5);
        }
    }

    /// <summary>No peer has a silo: their messages go nowhere.</summary>
    private static ReplicaPlacement Placement() =>
        new(new ClusterIdentity(1, 1, "a", [], [], []), new StaticMembership([new SiloMember("a", new PeerAddress("127.0.0.1", 1))], "a"));

    private sealed class UnreachablePeers : IRaftTransport
    {
        public void Send(PeerAddress to, ulong groupId, Message message)
        {
        }
    }
}
