using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Replication;
using GrainKv.Raft;
using Mvccpb;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// Lock clients contending for one lock name on a <see cref="SimulatedCluster"/> under a seeded
/// storm, with the leader cut off from its peers or its disk hung every so often while clients keep
/// their leases alive through it. After every event: no two clients believe they hold the lock at once, and no
/// lease expires before its last renewal plus its TTL (<see cref="LeaseLedger"/>). After healing:
/// every lease nobody keeps alive is revoked, its keys deleted in one revision.
/// </summary>
public sealed class LockSimulation
{
    public const string LockPrefix = "lock/";

    /// <summary>The range end that makes <see cref="LockPrefix"/> a prefix.</summary>
    public const string LockPrefixEnd = "lock0";

    private readonly List<LockClient> _clients = [];

    /// <summary>Sessions that acquired the lock and may still believe they hold it.</summary>
    private readonly List<LockSession> _holders = [];

    private LockSimulation(ulong seed, long trustBeyondDeadlineMs)
    {
        var random = new SeededRandomSource(seed);
        Options = LockSimulationOptions.Draw(random);
        Cluster = new SimulatedCluster(seed, random, Options.Cluster, Options.ToString());
        Ledger = new LeaseLedger(Cluster);
        Cluster.Applied += (_, entries) => Ledger.OnApplied(entries);
        Cluster.Calls.Answered += Ledger.OnAnswered;
        Cluster.AfterEvent += CheckOneHolder;
        for (var client = 1; client <= Options.Cluster.Clients; client++) _clients.Add(new LockClient(client, this, trustBeyondDeadlineMs));
    }

    public LockSimulationOptions Options { get; }

    public SimulatedCluster Cluster { get; }

    public LeaseLedger Ledger { get; }

    /// <summary>How many times some client acquired the lock.</summary>
    public int Acquisitions { get; private set; }

    public static LockSimulation Create(ulong seed) => new(seed, trustBeyondDeadlineMs: 0);

    /// <summary>A planted bug in the clients, to show the ownership check can fail: they trust their leases this much past the deadline.</summary>
    public static LockSimulation CreateWithOverconfidentClients(ulong seed, long trustBeyondDeadlineMs) => new(seed, trustBeyondDeadlineMs);

    /// <summary>Clients contend for the lock for <paramref name="timeMs"/> of virtual time while faults strike.</summary>
    public void Run(long timeMs)
    {
        foreach (var client in _clients) client.Start();
        Cluster.StartFaults();
        ScheduleLeaderFault();
        var untilMs = Cluster.Clock.NowMs + timeMs;
        while (Cluster.RunNext(untilMs))
        {
        }
    }

    /// <summary>
    /// Liveness: once faults end and clients go away, the cluster converges, every lease expires and
    /// is revoked, and the store's history shows each revoke deleting all of its lease's keys at once.
    /// </summary>
    public void HealAndDrain(long maxTimeMs)
    {
        Cluster.HealAll();
        foreach (var client in _clients) client.Stop();
        var untilMs = Cluster.Clock.NowMs + maxTimeMs;
        while (_holders.Count > 0 || Ledger.Unrevoked.Any() || !Cluster.Converged())
        {
            if (!Cluster.RunNext(untilMs))
            {
                Cluster.Fail($"within {maxTimeMs}ms of healing, leases [{string.Join(", ", Ledger.Unrevoked.Select(l => l.ToString("x")))}] "
                    + $"were not revoked or the cluster did not converge: {Cluster.Describe()}");
            }
        }
        Cluster.AssertSameState();
        Ledger.CheckKeysLeaveWithTheirLease(StoreHistory(Cluster.Leader!.Core));
    }

    /// <summary>A client learned it holds the lock: nobody else may believe so until its belief ends.</summary>
    public void Acquired(LockSession session)
    {
        Acquisitions++;
        _holders.Add(session);
        CheckOneHolder();
    }

    private void CheckOneHolder()
    {
        var now = Cluster.Clock.NowMs;
        // A belief that ended never comes back: the deadline no longer moves once passed, nor the unlock.
        _holders.RemoveAll(h => h.BeliefEndMs <= now);
        if (_holders.Count > 1) Cluster.Fail($"two clients believe they hold the lock: {string.Join("; ", _holders)}");
    }

    /// <summary>Every so often the leader is cut off from its peers, or its disk hangs, or both, while clients go on keeping their leases alive through it.</summary>
    private void ScheduleLeaderFault() => Cluster.Clock.Schedule(Options.LeaderFaultIntervalMs / 2 + Cluster.Random.Next(Options.LeaderFaultIntervalMs), () =>
    {
        if (Cluster.Healed) return;
        // A leader cut off steps down within two election timeouts (check quorum); so does one whose
        // disk hangs, as its heartbeats wait behind the write, unless the new leader's heartbeat
        // reaches it first; one cut off with its disk hung steps down by check quorum alone.
        var fault = Cluster.Random.Next(3);
        var (cutOff, diskHangs) = (fault != 1, fault != 0);
        var ttlMs = (int)Options.LeaseTtlMs;
        // Long enough to elect a new leader, and often to outlast the leases it renewed on promotion.
        var forMs = ttlMs + Cluster.Random.Next(3 * ttlMs);
        if (Cluster.Leader is { } leader)
        {
            if (cutOff) IsolateForAWhile(leader.Id, forMs);
            if (diskHangs) Cluster.StallDisk(leader.Id, forMs);
        }
        ScheduleLeaderFault();
    });

    private void IsolateForAWhile(ulong node, long forMs)
    {
        Cluster.Network.Isolate(node, Cluster.Replicas.Select(r => r.Id));
        Cluster.Clock.Schedule(forMs, () =>
        {
            if (!Cluster.Healed) Cluster.Network.HealPartitions();
        });
    }

    /// <summary>Every event in the store since revision 1, oldest first, as a watch replays them.</summary>
    private static List<Event> StoreHistory(ReplicaCore core)
    {
        var stream = core.OpenWatch(() => { });
        var all = ByteString.CopyFrom(0);
        core.HandleWatch(stream, new WatchRequest { CreateRequest = new WatchCreateRequest { Key = all, RangeEnd = all, StartRevision = 1 } });
        var events = new List<Event>();
        while (core.TakeWatchOutbox(stream) is (var responses, var more))
        {
            foreach (var response in responses) events.AddRange(response.Events);
            if (!more) break;
        }
        core.CloseWatch(stream);
        return events;
    }
}
