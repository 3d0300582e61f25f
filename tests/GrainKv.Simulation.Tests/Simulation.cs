using GrainKv.Mvcc;
using GrainKv.Raft;
using GrainKv.Storage;
using GrainKv.Testing.Linearizability;
using GrainKv.Testing.Raft;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// A replicated shard under a seeded storm: replicas on a virtual clock, a faulty network, crashes
/// and restarts from durable storage, and clients recording a history. The cluster invariants are
/// checked after every event; every failure names the seed, which replays the run exactly.
/// </summary>
public sealed class Simulation
{
    private readonly SeededRandomSource _random;
    private readonly SortedDictionary<ulong, SimulatedReplica> _replicas = [];
    private readonly Dictionary<ulong, InMemoryRaftLogStore> _crashedStores = [];
    private readonly List<SimulatedClient> _clients = [];
    private readonly List<Operation> _history = [];
    private readonly Dictionary<string, string> _lastValueSeen = [];
    private readonly ClusterInvariants _invariants;
    private readonly Dictionary<ulong, long> _revisionAtIndex = [];
    private int _callsLeft;
    private bool _healed;

    private Simulation(ulong seed)
    {
        Seed = seed;
        _random = new SeededRandomSource(seed);
        Options = SimulationOptions.Draw(_random);
        Network = new SimulatedNetwork(Clock, _random, Options);
        _invariants = new ClusterInvariants(seed);
        for (var id = 1UL; id <= (ulong)Options.Replicas; id++)
        {
            StartReplica(id, new InMemoryRaftLogStore());
            ScheduleTick(id);
        }
        for (var client = 1; client <= Options.Clients; client++) _clients.Add(new SimulatedClient(client, this));
    }

    public ulong Seed { get; }

    public SimulationOptions Options { get; }

    public VirtualClock Clock { get; } = new();

    public SimulatedNetwork Network { get; }

    public IReadOnlyList<Operation> History => _history;

    public IEnumerable<SimulatedReplica> Replicas => _replicas.Values;

    public static Simulation Create(ulong seed) => new(seed);

    public SimulatedReplica? LiveReplica(ulong id) => _replicas.TryGetValue(id, out var replica) && replica.Alive ? replica : null;

    /// <summary>Clients make <paramref name="calls"/> calls in all while faults strike; stops early at <paramref name="maxTimeMs"/>.</summary>
    public void Run(int calls, long maxTimeMs)
    {
        _callsLeft = calls;
        foreach (var client in _clients) ScheduleNextCall(client);
        ScheduleFault();
        var untilMs = Clock.NowMs + maxTimeMs;
        while (Clock.RunNext(untilMs))
        {
            AfterEvent();
            if (_callsLeft == 0 && _clients.All(c => !c.Busy)) return;
        }
    }

    /// <summary>Ends every fault: partitions heal, crashed replicas restart, the network stops losing messages.</summary>
    public void HealAll()
    {
        _healed = true;
        Network.HealPartitions();
        Network.Faulty = false;
        foreach (var id in _crashedStores.Keys.ToList()) Restart(id);
    }

    /// <summary>Liveness: a healed cluster elects a leader and every replica applies the whole log to the same state.</summary>
    public void RunUntilQuiescent(long maxTimeMs)
    {
        var untilMs = Clock.NowMs + maxTimeMs;
        while (!Converged())
        {
            if (!Clock.RunNext(untilMs)) Fail($"no convergence within {maxTimeMs}ms of healing: {Describe()}");
            AfterEvent();
        }
        var hashes = _replicas.Values.Select(r => (r.Id, Hash: StateHash(r), r.StateMachine.Revision)).ToList();
        if (hashes.Select(h => h.Hash).Distinct().Count() != 1)
            Fail($"replicas converged to different states: {string.Join(", ", hashes.Select(h => $"{h.Id}: hash {h.Hash:x8} revision {h.Revision}"))}");
    }

    public void Record(Operation outcome)
    {
        _history.Add(outcome);
        if (!outcome.OutcomeUnknown)
        {
            var seen = outcome.Kind switch
            {
                OperationKind.Get => outcome.ReadValue,
                OperationKind.Cas when !outcome.Succeeded => null,
                _ => outcome.Value,
            };
            if (seen is not null) _lastValueSeen[outcome.Key] = seen;
        }
        var client = _clients[outcome.ClientId - 1];
        ScheduleNextCall(client);
    }

    public string Describe() =>
        $"seed={Seed} ({Options}) at {Clock.NowMs}ms; "
        + string.Join("; ", _replicas.Values.Select(r => r.Alive ? $"{r.Id}: {r.Node.Status.Role} term {r.Node.Term} commit {r.Node.Status.CommitIndex} applied {r.Node.Status.AppliedIndex} last {r.Node.Status.LastIndex}" : $"{r.Id}: down"));

    public void Fail(string violation) => throw new InvariantViolationException($"seed={Seed} ({Options}): {violation}");

    private void AfterEvent()
    {
        foreach (var client in _clients) client.Poll();
        _invariants.Check(_replicas.Values.Where(r => r.Alive));
    }

    private void StartReplica(ulong id, InMemoryRaftLogStore store)
    {
        var config = new RaftConfig
        {
            Id = id,
            ElectionTimeoutTicks = Options.ElectionTicks,
            HeartbeatIntervalTicks = 1,
            InitialVoters = [.. Enumerable.Range(1, Options.Replicas).Select(i => (ulong)i)],
        };
        _replicas[id] = SimulatedReplica.Start(id, store, config, Options.SnapshotCount, Clock, _random, Options.MaxDiskLatencyMs,
            message => Network.Send(message, Deliver), CheckRevision);
    }

    private void Deliver(Message message) => LiveReplica(message.To)?.Step(message);

    /// <summary>State-machine safety on the MVCC side: after the same log prefix, every replica is at the same revision.</summary>
    private void CheckRevision(SimulatedReplica replica, ulong appliedIndex)
    {
        var revision = replica.StateMachine.Revision;
        if (!_revisionAtIndex.TryAdd(appliedIndex, revision) && _revisionAtIndex[appliedIndex] != revision)
            Fail($"replica {replica.Id} is at revision {revision} after index {appliedIndex}, another replica was at {_revisionAtIndex[appliedIndex]}");
    }

    private void ScheduleTick(ulong id) => Clock.Schedule(Options.TickIntervalsMs[(int)id - 1], () =>
    {
        LiveReplica(id)?.Tick();
        ScheduleTick(id);
    });

    private void ScheduleNextCall(SimulatedClient client)
    {
        if (_callsLeft == 0 || _healed) return;
        _callsLeft--;
        Clock.Schedule(_random.Next(10), () =>
        {
            var key = $"k{_random.Next(Options.Keys)}";
            var kind = _random.Next(100) switch { < 40 => 0, < 75 => 1, _ => 2 };
            client.Call(client.NewOperation(key, kind, _lastValueSeen.GetValueOrDefault(key)));
        });
    }

    private void ScheduleFault() => Clock.Schedule(Options.FaultIntervalMs / 2 + _random.Next(Options.FaultIntervalMs), () =>
    {
        if (_healed) return;
        var ids = _replicas.Keys.ToList();
        var node = ids[_random.Next(ids.Count)];
        switch (_random.Next(10))
        {
            case < 2:
                if (LiveReplica(node) is { } victim)
                {
                    _crashedStores[node] = victim.Crash();
                    Clock.Schedule(20 + _random.Next(2 * Options.FaultIntervalMs), () =>
                    {
                        if (_crashedStores.ContainsKey(node)) Restart(node);
                    });
                }
                break;
            case 2:
                Network.Isolate(node, ids);
                break;
            case 3:
                Network.Cut(node, ids[_random.Next(ids.Count)]);
                break;
            case 4:
                var side = ids.Where(_ => _random.Next(2) == 0).ToHashSet();
                foreach (var a in side)
                foreach (var b in ids.Where(i => !side.Contains(i)))
                {
                    Network.Cut(a, b);
                    Network.Cut(b, a);
                }
                break;
            case < 7:
                Network.HealPartitions();
                break;
        }
        ScheduleFault();
    });

    private void Restart(ulong id)
    {
        _crashedStores.Remove(id, out var store);
        StartReplica(id, store!);
    }

    private bool Converged()
    {
        if (_clients.Any(c => c.Busy) || _replicas.Values.Any(r => !r.Alive)) return false;
        var statuses = _replicas.Values.Select(r => r.Node.Status).ToList();
        var leaders = statuses.Where(s => s.Role == RaftRole.Leader).ToList();
        if (leaders.Count != 1) return false;
        var leader = leaders[0];
        return leader.CommitIndex == leader.LastIndex
            && statuses.All(s => s.Term == leader.Term && s.LeaderId == leader.Id && s.AppliedIndex == leader.CommitIndex && s.LastIndex == leader.LastIndex);
    }

    /// <summary>The replicated state's bytes: equal on replicas that applied the same history.</summary>
    private static string StateHash(SimulatedReplica replica)
    {
        using var data = new MemoryStream();
        replica.StateMachine.WriteSnapshot(data);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(data.ToArray()));
    }
}
