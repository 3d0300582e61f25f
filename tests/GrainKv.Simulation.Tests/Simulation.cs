using GrainKv.Raft;
using GrainKv.Testing.Linearizability;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// KV clients recording a history against a <see cref="SimulatedCluster"/> under a seeded storm,
/// for the linearizability checker. Every failure names the seed, which replays the run exactly.
/// </summary>
public sealed class Simulation
{
    private readonly SeededRandomSource _random;
    private readonly List<SimulatedClient> _clients = [];
    private readonly List<Operation> _history = [];
    private readonly Dictionary<string, string> _lastValueSeen = [];
    private int _callsLeft;

    private Simulation(ulong seed)
    {
        _random = new SeededRandomSource(seed);
        // Odd seeds run the shard as one of several, its writes stamped with an oracle's revisions.
        Options = SimulationOptions.Draw(_random) with { StampedRevisions = (seed & 1) == 1 };
        Cluster = new SimulatedCluster(seed, _random, Options);
        for (var client = 1; client <= Options.Clients; client++) _clients.Add(new SimulatedClient(client, this));
    }

    public SimulationOptions Options { get; }

    public SimulatedCluster Cluster { get; }

    public VirtualClock Clock => Cluster.Clock;

    public IReadOnlyList<Operation> History => _history;

    public static Simulation Create(ulong seed) => new(seed);

    /// <summary>Clients make <paramref name="calls"/> calls in all while faults strike; stops early at <paramref name="maxTimeMs"/>.</summary>
    public void Run(int calls, long maxTimeMs)
    {
        _callsLeft = calls;
        foreach (var client in _clients) ScheduleNextCall(client);
        Cluster.StartFaults();
        var untilMs = Clock.NowMs + maxTimeMs;
        while (Cluster.RunNext(untilMs))
        {
            if (_callsLeft == 0 && _clients.All(c => !c.Busy)) return;
        }
    }

    /// <summary>Ends every fault and every new call.</summary>
    public void HealAll() => Cluster.HealAll();

    /// <summary>Liveness: a healed cluster elects a leader and every replica applies the whole log to the same state.</summary>
    public void RunUntilQuiescent(long maxTimeMs)
    {
        var untilMs = Clock.NowMs + maxTimeMs;
        while (_clients.Any(c => c.Busy) || !Cluster.Converged())
        {
            if (!Cluster.RunNext(untilMs)) Fail($"no convergence within {maxTimeMs}ms of healing: {Describe()}");
        }
        Cluster.AssertSameState();
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

    public string Describe() => Cluster.Describe();

    public void Fail(string violation) => Cluster.Fail(violation);

    private void ScheduleNextCall(SimulatedClient client)
    {
        if (_callsLeft == 0 || Cluster.Healed) return;
        _callsLeft--;
        Clock.Schedule(_random.Next(10), () =>
        {
            var key = $"k{_random.Next(Options.Keys)}";
            var kind = _random.Next(100) switch { < 40 => 0, < 75 => 1, _ => 2 };
            client.Call(client.NewOperation(key, kind, _lastValueSeen.GetValueOrDefault(key)));
        });
    }
}
