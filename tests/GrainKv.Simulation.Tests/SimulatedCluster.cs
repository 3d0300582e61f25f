using System.Diagnostics.CodeAnalysis;
using GrainKv.Raft;
using GrainKv.Storage;
using GrainKv.Testing.Raft;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// The replicas of one shard on a virtual clock and a faulty network, with crashes and restarts
/// from durable storage, and the Raft invariants checked after every event. Workloads (the KV
/// clients, the lock clients) call it through <see cref="Calls"/>; every failure names the seed,
/// which replays the run exactly.
/// </summary>
public sealed class SimulatedCluster
{
    private readonly SortedDictionary<ulong, SimulatedReplica> _replicas = [];
    private readonly Dictionary<ulong, InMemoryRaftLogStore> _crashedStores = [];
    private readonly ClusterInvariants _invariants;
    private readonly Dictionary<ulong, long> _revisionAtIndex = [];
    private readonly string _optionsText;
    private readonly SimulatedOracle? _oracle;
    private bool _healed;

    /// <param name="optionsText">How failure messages describe the run's options; <paramref name="options"/> by default.</param>
    public SimulatedCluster(ulong seed, SeededRandomSource random, SimulationOptions options, string? optionsText = null)
    {
        _optionsText = optionsText ?? options.ToString();
        Seed = seed;
        Random = random;
        Options = options;
        Network = new SimulatedNetwork(Clock, random, options);
        _invariants = new ClusterInvariants(seed);
        if (options.StampedRevisions)
        {
            _oracle = new SimulatedOracle(Clock, new SeededRandomSource(seed ^ 0x0AC1E), options.MaxDelayMs * 2, () =>
            {
                foreach (var replica in _replicas.Values.Where(r => r.Alive)) replica.Pump();
            });
        }
        for (var id = 1UL; id <= (ulong)options.Replicas; id++)
        {
            StartReplica(id, new InMemoryRaftLogStore());
            ScheduleTick(id);
        }
        Calls = new ClientCalls(Clock, Network, LiveReplica);
    }

    public ulong Seed { get; }

    /// <summary>The run's one source of randomness: everything drawn from it replays with the seed.</summary>
    public SeededRandomSource Random { get; }

    public SimulationOptions Options { get; }

    public VirtualClock Clock { get; } = new();

    public SimulatedNetwork Network { get; }

    public ClientCalls Calls { get; }

    public IEnumerable<SimulatedReplica> Replicas => _replicas.Values;

    /// <summary>Whether <see cref="HealAll"/> ended the faults.</summary>
    public bool Healed => _healed;

    /// <summary>Every batch a replica's state machine applied, with the entries new to it.</summary>
    public event Action<SimulatedReplica, IReadOnlyList<Entry>>? Applied;

    /// <summary>Runs after every event, once the invariants hold: workload checks go here.</summary>
    public event Action? AfterEvent;

    public SimulatedReplica? LiveReplica(ulong id) => _replicas.TryGetValue(id, out var replica) && replica.Alive ? replica : null;

    /// <summary>The live replica that believes it leads in the highest term, if any.</summary>
    public SimulatedReplica? Leader => _replicas.Values
        .Where(r => r.Alive && r.Node.Role == RaftRole.Leader)
        .MaxBy(r => r.Node.Term);

    /// <summary>Crashes, restarts and partitions strike every few fault intervals until <see cref="HealAll"/>.</summary>
    public void StartFaults() => ScheduleFault();

    /// <summary>Runs the next event due by <paramref name="untilMs"/>, then the checks; false when none is due.</summary>
    public bool RunNext(long untilMs)
    {
        if (!Clock.RunNext(untilMs)) return false;
        Calls.Poll();
        _invariants.Check(_replicas.Values.Where(r => r.Alive));
        AfterEvent?.Invoke();
        return true;
    }

    /// <summary>Ends every fault: partitions heal, crashed replicas restart, the network stops losing messages.</summary>
    public void HealAll()
    {
        _healed = true;
        Network.HealPartitions();
        Network.Faulty = false;
        foreach (var id in _crashedStores.Keys.ToList()) Restart(id);
    }

    /// <summary>One leader, every replica up, in its term, and applied through the whole log.</summary>
    public bool Converged()
    {
        if (_replicas.Values.Any(r => !r.Alive)) return false;
        var statuses = _replicas.Values.Select(r => r.Node.Status).ToList();
        var leaders = statuses.Where(s => s.Role == RaftRole.Leader).ToList();
        if (leaders.Count != 1) return false;
        var leader = leaders[0];
        return leader.CommitIndex == leader.LastIndex
            && statuses.All(s => s.Term == leader.Term && s.LeaderId == leader.Id && s.AppliedIndex == leader.CommitIndex && s.LastIndex == leader.LastIndex);
    }

    /// <summary>State-machine safety after convergence: every replica holds the same bytes.</summary>
    public void AssertSameState()
    {
        var hashes = _replicas.Values.Select(r => (r.Id, Hash: StateHash(r), r.StateMachine.Revision)).ToList();
        if (hashes.Select(h => h.Hash).Distinct().Count() != 1)
            Fail($"replicas converged to different states: {string.Join(", ", hashes.Select(h => $"{h.Id}: hash {h.Hash:x8} revision {h.Revision}"))}");
    }

    public string Describe() =>
        $"seed={Seed} ({_optionsText}) at {Clock.NowMs}ms; "
        + string.Join("; ", _replicas.Values.Select(r => r.Alive ? $"{r.Id}: {r.Node.Status.Role} term {r.Node.Term} commit {r.Node.Status.CommitIndex} applied {r.Node.Status.AppliedIndex} last {r.Node.Status.LastIndex}" : $"{r.Id}: down"));

    [DoesNotReturn]
    public void Fail(string violation) => throw new InvariantViolationException($"seed={Seed} ({_optionsText}) at {Clock.NowMs}ms: {violation}");

    private void StartReplica(ulong id, InMemoryRaftLogStore store)
    {
        var config = new RaftConfig
        {
            Id = id,
            ElectionTimeoutTicks = Options.ElectionTicks,
            HeartbeatIntervalTicks = 1,
            InitialVoters = [.. Enumerable.Range(1, Options.Replicas).Select(i => (ulong)i)],
        };
        _replicas[id] = SimulatedReplica.Start(id, store, config, Options, Clock, Random, message => Network.Send(message, Deliver), OnApplied, _oracle);
    }

    private void Deliver(Message message) => LiveReplica(message.To)?.Step(message);

    private void OnApplied(SimulatedReplica replica, IReadOnlyList<Entry> entries)
    {
        CheckRevision(replica);
        Applied?.Invoke(replica, entries);
    }

    /// <summary>State-machine safety on the MVCC side: after the same log prefix, every replica is at the same revision.</summary>
    private void CheckRevision(SimulatedReplica replica)
    {
        var revision = replica.StateMachine.Revision;
        var appliedIndex = replica.AppliedIndex;
        if (!_revisionAtIndex.TryAdd(appliedIndex, revision) && _revisionAtIndex[appliedIndex] != revision)
            Fail($"replica {replica.Id} is at revision {revision} after index {appliedIndex}, another replica was at {_revisionAtIndex[appliedIndex]}");
    }

    private void ScheduleTick(ulong id) => Clock.Schedule(Options.TickIntervalsMs[(int)id - 1], () =>
    {
        LiveReplica(id)?.Tick();
        ScheduleTick(id);
    });

    private void ScheduleFault() => Clock.Schedule(Options.FaultIntervalMs / 2 + Random.Next(Options.FaultIntervalMs), () =>
    {
        if (_healed) return;
        var ids = _replicas.Keys.ToList();
        var node = ids[Random.Next(ids.Count)];
        switch (Random.Next(10))
        {
            case < 2:
                if (LiveReplica(node) is { } victim)
                {
                    _crashedStores[node] = victim.Crash();
                    Clock.Schedule(20 + Random.Next(2 * Options.FaultIntervalMs), () =>
                    {
                        if (_crashedStores.ContainsKey(node)) Restart(node);
                    });
                }
                break;
            case 2:
                Network.Isolate(node, ids);
                break;
            case 3:
                Network.Cut(node, ids[Random.Next(ids.Count)]);
                break;
            case 4:
                var side = ids.Where(_ => Random.Next(2) == 0).ToHashSet();
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
            case 7:
                StallDisk(node, Random.Next(3 * (int)Options.ElectionTimeoutMs));
                break;
        }
        ScheduleFault();
    });

    /// <summary>The node's disk hangs for <paramref name="forMs"/>: its next write lands no earlier. It still takes messages and requests meanwhile.</summary>
    public void StallDisk(ulong node, long forMs) => LiveReplica(node)?.StallDisk(Clock.NowMs + forMs);

    private void Restart(ulong id)
    {
        _crashedStores.Remove(id, out var store);
        StartReplica(id, store!);
    }

    /// <summary>The replicated state's bytes: equal on replicas that applied the same history.</summary>
    private static string StateHash(SimulatedReplica replica)
    {
        using var data = new MemoryStream();
        replica.StateMachine.WriteSnapshot(data);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(data.ToArray()));
    }
}
