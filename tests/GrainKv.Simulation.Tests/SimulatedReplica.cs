using GrainKv.Grains;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Grains.Shard;
using GrainKv.Raft;
using GrainKv.Storage;
using GrainKv.Testing.Raft;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// One replica process: the real <see cref="ReplicaCore"/> (a <see cref="RaftNode"/> and a
/// <see cref="ShardStateMachine"/> over the real MVCC store) driven by the silo's own
/// <see cref="ReadyProcessor"/> over a <see cref="SimulatedDisk"/>, and ticked on its own schedule
/// whether or not a write is in flight, as ReplicaDriver's tick timer does. A crash abandons the
/// instance; a restart builds a new one from what the store holds, as ReplicaGrain activates.
/// </summary>
public sealed class SimulatedReplica : IRaftReplicaView
{
    public const ulong ShardId = 1;

    private readonly SimulatedDisk _disk;
    private readonly ReadyProcessor _processor;
    private readonly Action<SimulatedReplica, IReadOnlyList<Entry>> _applied;
    private readonly List<Entry> _appliedEntries = [];
    private Task _processing = Task.CompletedTask;
    private ulong _appliedIndex;

    private SimulatedReplica(ulong id, InMemoryRaftLogStore store, RaftConfig config, SimulationOptions options, VirtualClock clock,
        SeededRandomSource random, Action<Message> send, Action<SimulatedReplica, IReadOnlyList<Entry>> applied, IRevisionSource? revisions)
    {
        Id = id;
        _applied = applied;
        _disk = new SimulatedDisk(store, clock, random, options.MaxDiskLatencyMs, AfterLanding);

        var generation = Await(_disk.ClaimGenerationAsync(ShardId, CancellationToken.None));
        var stored = Await(_disk.LoadAsync(ShardId, CancellationToken.None));
        var recovered = RecoveredReplica.From(new ReplicaKey(ShardId, id), generation, stored, config,
            new SeededRandomSource(random.NextUInt64()), NullLogger.Instance,
            new ClusterIdentity(1, id, $"sim-{id}", [], [], []),
            new ReplicaTiming(ReplicaTiming.MonotonicMs(clock), options.ElectionTimeoutMs, options.SnapshotCount), revisions);
        _appliedIndex = stored.Snapshot?.Metadata.Index ?? 0;
        Node = recovered.Node;
        StateMachine = recovered.StateMachine;
        Core = recovered.Core;
        // Every peer lives in a process of its own: every message goes over the network.
        // Snapshots are written inline, on the simulation's one thread; their staging takes disk time like a save.
        _processor = new ReadyProcessor(_disk, (_, message) => send(message), clock, TimeSpan.FromMilliseconds(options.TickMs),
            write => Task.FromResult(write()), Pump, NullLogger.Instance);
        _processor.Applied += (_, ready) => OnApplied(ready);
        _processor.Register(Core);
    }

    public ulong Id { get; }

    public RaftNode Node { get; }

    public ReplicaCore Core { get; }

    public ShardStateMachine StateMachine { get; }

    /// <summary>False once crashed: events still queued for this instance are ignored.</summary>
    public bool Alive { get; private set; } = true;

    public IReadOnlyList<Entry> StoredEntries => _disk.StoredEntries;

    /// <summary>The index of the snapshot on the disk: 0 until one was saved (staged and adopted, or received).</summary>
    public ulong StoredSnapshotIndex => Await(_disk.Store.LoadAsync(ShardId, CancellationToken.None)).Snapshot?.Metadata.Index ?? 0;

    public IReadOnlyList<Entry> Applied => _appliedEntries;

    public ulong AppliedIndex => _appliedIndex;

    /// <summary>
    /// Starts a replica on what <paramref name="store"/> holds. <paramref name="applied"/> hears of
    /// every batch the state machine applied, with the entries new to it. With <paramref name="revisions"/>, the
    /// shard is one of several: its leader stamps writes with the oracle's revisions.
    /// </summary>
    public static SimulatedReplica Start(ulong id, InMemoryRaftLogStore store, RaftConfig config, SimulationOptions options, VirtualClock clock,
        SeededRandomSource random, Action<Message> send, Action<SimulatedReplica, IReadOnlyList<Entry>> applied, IRevisionSource? revisions = null) =>
        new(id, store, config, options, clock, random, send, applied, revisions);

    /// <summary>The process dies: nothing but the store survives, and the store refuses this instance.</summary>
    public InMemoryRaftLogStore Crash()
    {
        Alive = false;
        return _disk.Crash();
    }

    /// <summary>One tick, a write in flight or not: Raft time runs on while the disk is busy or hung.</summary>
    public void Tick()
    {
        Core.Tick();
        Pump();
    }

    /// <summary>The disk hangs until <paramref name="untilMs"/>: a write in flight or started before then lands no earlier.</summary>
    public void StallDisk(long untilMs) => _disk.Stall(untilMs);

    public void Step(Message message)
    {
        _processor.Step(ShardId, message);
        Pump();
    }

    /// <summary>
    /// Runs the processing of ready batches unless it is already running (waiting for its write to land,
    /// whereupon it takes what came meanwhile): ReplicaDriver's loop, woken up.
    /// </summary>
    public void Pump()
    {
        if (!Alive || !_processing.IsCompleted) return;
        _processing = _processor.ProcessAsync(CancellationToken.None);
        RethrowFailure();
    }

    private void AfterLanding()
    {
        if (!_processing.IsCompleted && _disk.InFlight == 0)
            throw new InvalidOperationException("the ready processing did not resume in the event that landed its write");
        RethrowFailure();
    }

    /// <summary>A failed check inside the processing (an invariant, on apply) fails the event that ran it.</summary>
    private void RethrowFailure()
    {
        if (_processing.IsFaulted) _processing.GetAwaiter().GetResult();
    }

    private void OnApplied(RaftReady ready)
    {
        if (ready.Snapshot is { } snapshot && snapshot.Metadata.Index > _appliedIndex) _appliedIndex = snapshot.Metadata.Index;
        var first = _appliedEntries.Count;
        foreach (var entry in ready.CommittedEntries)
        {
            if (entry.Index <= _appliedIndex) continue;
            _appliedEntries.Add(entry);
            _appliedIndex = entry.Index;
        }
        _applied(this, _appliedEntries[first..]);
    }

    /// <summary>The in-memory store completes every call synchronously.</summary>
    private static T Await<T>(Task<T> task) => task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("the in-memory store went asynchronous");
}
