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
/// <see cref="ShardStateMachine"/> over the real MVCC store) driven the way ReplicaDriver drives it,
/// over an <see cref="InMemoryRaftLogStore"/> whose writes take virtual time. A crash abandons the
/// instance; a restart builds a new one from what the store holds, as ReplicaGrain activates.
/// </summary>
public sealed class SimulatedReplica : IRaftReplicaView
{
    public const ulong ShardId = 1;

    private readonly VirtualClock _clock;
    private readonly SeededRandomSource _random;
    private readonly int _maxDiskLatencyMs;
    private readonly Action<Message> _send;
    private readonly Action<SimulatedReplica, IReadOnlyList<Entry>> _applied;
    private readonly List<Entry> _appliedEntries = [];
    private IReadOnlyList<Entry> _storedEntries = [];
    private HardState? _unsyncedHardState;
    private bool _writing;
    private long _diskStalledUntilMs;
    private ulong _appliedIndex;

    private SimulatedReplica(ulong id, InMemoryRaftLogStore store, RaftConfig config, SimulationOptions options, VirtualClock clock,
        SeededRandomSource random, Action<Message> send, Action<SimulatedReplica, IReadOnlyList<Entry>> applied)
    {
        Id = id;
        Store = store;
        _clock = clock;
        _random = random;
        _maxDiskLatencyMs = options.MaxDiskLatencyMs;
        _send = send;
        _applied = applied;

        var generation = Await(store.ClaimGenerationAsync(ShardId, CancellationToken.None));
        var stored = Await(store.LoadAsync(ShardId, CancellationToken.None));
        _storedEntries = stored.Entries;
        var recovered = RecoveredReplica.From(new ReplicaKey(ShardId, id), generation, stored, config,
            new SeededRandomSource(random.NextUInt64()), NullLogger.Instance,
            new ClusterIdentity(1, id, $"sim-{id}", [], [], []), new ReplicaTiming(() => clock.NowMs, options.ElectionTimeoutMs, options.SnapshotCount));
        _appliedIndex = stored.Snapshot?.Metadata.Index ?? 0;
        Node = recovered.Node;
        StateMachine = recovered.StateMachine;
        Core = recovered.Core;
    }

    public ulong Id { get; }

    public RaftNode Node { get; }

    public ReplicaCore Core { get; }

    public ShardStateMachine StateMachine { get; }

    public InMemoryRaftLogStore Store { get; }

    /// <summary>False once crashed: events still queued for this instance are ignored.</summary>
    public bool Alive { get; private set; } = true;

    public IReadOnlyList<Entry> StoredEntries => _storedEntries;

    public IReadOnlyList<Entry> Applied => _appliedEntries;

    public ulong AppliedIndex => _appliedIndex;

    /// <summary>
    /// Starts a replica on what <paramref name="store"/> holds. <paramref name="applied"/> hears of
    /// every batch the state machine applied, with the entries new to it.
    /// </summary>
    public static SimulatedReplica Start(ulong id, InMemoryRaftLogStore store, RaftConfig config, SimulationOptions options, VirtualClock clock,
        SeededRandomSource random, Action<Message> send, Action<SimulatedReplica, IReadOnlyList<Entry>> applied) =>
        new(id, store, config, options, clock, random, send, applied);

    /// <summary>The process dies: nothing but the store survives, and the store refuses this instance.</summary>
    public InMemoryRaftLogStore Crash()
    {
        Alive = false;
        return Store.Restart();
    }

    /// <summary>One tick, unless a write is in flight: ReplicaDriver's loop ticks only between batches, so a hung disk stops the clock of every Raft timeout.</summary>
    public void Tick()
    {
        if (_writing) return;
        Core.Tick();
        Pump();
    }

    /// <summary>The disk hangs until <paramref name="untilMs"/>: a write in flight or started before then lands no earlier.</summary>
    public void StallDisk(long untilMs) => _diskStalledUntilMs = Math.Max(_diskStalledUntilMs, untilMs);

    public void Step(Message message)
    {
        Core.Step(message);
        Pump();
    }

    /// <summary>
    /// Handles ready batches as ReplicaDriver does: send, apply what is committed (a snapshot
    /// waits for the write), persist when the batch must be synced, then send the acknowledgements,
    /// advance and snapshot when due. A write takes virtual time; a crash before it lands loses it.
    /// </summary>
    public void Pump()
    {
        while (Alive && !_writing && Core.TakeReady() is { } ready)
        {
            foreach (var message in ready.Messages) _send(message);
            if (ready.Snapshot is null) Apply(ready);
            if (ready.HardState is not null) _unsyncedHardState = ready.HardState;
            if (!ready.MustSync)
            {
                Finish(ready, write: null);
                continue;
            }
            var write = new GroupWrite(ShardId, Core.Generation)
            {
                HardState = _unsyncedHardState,
                Entries = ready.EntriesToPersist,
                Snapshot = ready.Snapshot,
            };
            _unsyncedHardState = null;
            _writing = true;
            _clock.Schedule(_random.Next(_maxDiskLatencyMs + 1), () => Land(ready, write));
        }
    }

    private void Land(RaftReady ready, GroupWrite write)
    {
        if (!Alive) return;
        if (_clock.NowMs < _diskStalledUntilMs)
        {
            _clock.Schedule(_diskStalledUntilMs - _clock.NowMs, () => Land(ready, write));
            return;
        }
        _writing = false;
        Finish(ready, write);
        Pump();
    }

    private void Finish(RaftReady ready, GroupWrite? write)
    {
        if (write is not null) Save(write);
        foreach (var message in ready.MessagesAfterPersist) _send(message);
        if (ready.Snapshot is not null) Apply(ready);
        Core.Advance(ready);
        if (Core.TakeSnapshotIfDue() is { } snapshot)
        {
            Save(new GroupWrite(ShardId, Core.Generation) { Snapshot = snapshot, CompactThrough = snapshot.Metadata.Index });
            Core.SnapshotPersisted(snapshot);
        }
    }

    private void Apply(RaftReady ready)
    {
        Core.Apply(ready);
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

    private void Save(GroupWrite write)
    {
        Await(Store.SaveAsync([write], CancellationToken.None));
        _storedEntries = Await(Store.LoadAsync(ShardId, CancellationToken.None)).Entries;
    }

    /// <summary>The in-memory store completes every call synchronously.</summary>
    private static T Await<T>(Task<T> task) => task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("the in-memory store went asynchronous");

    private static void Await(Task task)
    {
        if (!task.IsCompleted) throw new InvalidOperationException("the in-memory store went asynchronous");
        task.GetAwaiter().GetResult();
    }
}
