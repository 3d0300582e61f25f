using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using GrainKv.Grains.Cluster;
using GrainKv.Raft;
using GrainKv.Runtime.Cluster;
using GrainKv.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Replication;

/// <summary>
/// The one loop per silo that drives every replica hosted here: one tick for all, one storage
/// transaction for everything all of them made ready, then sends and applies. Proposals that
/// arrive while a transaction is in flight wait in the nodes' unstable logs and go out together
/// in the next one: that is the proposal batching.
/// </summary>
public sealed partial class ReplicaDriver : BackgroundService, IRaftMessageSink
{
    private static readonly Meter Meter = new("GrainKv.Replication");
    private static readonly Histogram<long> BatchEntries = Meter.CreateHistogram<long>("grainkv_persisted_batch_entries", description: "Raft entries persisted per storage transaction.");
    private static readonly Histogram<double> PersistSeconds = Meter.CreateHistogram<double>("grainkv_persist_duration_seconds", "s", "Time to persist one batch.");
    private static readonly Counter<long> AppliedEntries = Meter.CreateCounter<long>("grainkv_applied_entries_total", description: "Committed Raft entries applied.");

    private readonly ConcurrentDictionary<ReplicaKey, ReplicaCore> _replicas = new();

    /// <summary>
    /// Hard states whose only change is the commit index (no sync owed): written with the group's
    /// next synced batch. Losing one in a crash only means re-learning the commit index.
    /// </summary>
    private readonly Dictionary<ReplicaKey, HardState> _unsyncedHardStates = [];
    private readonly Channel<bool> _wakeUp = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IRaftLogStore _store;
    private readonly IRaftTransport _transport;
    private readonly ReplicaPlacement _placement;
    private readonly TimeSpan _tickInterval;
    private readonly TimeSpan _progressNotifyInterval;
    private readonly ILogger<ReplicaDriver> _log;

    public ReplicaDriver(IRaftLogStore store, IRaftTransport transport, ReplicaPlacement placement,
        ReplicationOptions options, ILogger<ReplicaDriver> log)
    {
        _store = store;
        _transport = transport;
        _placement = placement;
        _tickInterval = TimeSpan.FromMilliseconds(options.TickIntervalMs);
        _progressNotifyInterval = options.WatchProgressNotifyInterval;
        _log = log;
    }

    /// <summary>This silo's replica of <paramref name="shardId"/>, if it holds one: watches are served from its applied state.</summary>
    public ReplicaCore? LocalReplica(ulong shardId) => _replicas.Values.FirstOrDefault(r => r.Key.ShardId == shardId);

    public void Register(ReplicaCore replica)
    {
        _replicas[replica.Key] = replica;
        WakeUp();
    }

    public void Unregister(ReplicaCore replica)
    {
        _replicas.TryRemove(new KeyValuePair<ReplicaKey, ReplicaCore>(replica.Key, replica));
        replica.FailAllWaiters(GrainKv.Shard.ShardError.Stopped);
    }

    /// <summary>Something changed in a replica (a proposal, a read, a message): run the loop soon.</summary>
    public void WakeUp() => _wakeUp.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextTick = DateTime.UtcNow + _tickInterval;
        var nextProgressNotify = DateTime.UtcNow + _progressNotifyInterval;
        var readies = new List<(ReplicaCore Replica, RaftReady Ready)>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var untilTick = nextTick - DateTime.UtcNow;
            if (untilTick > TimeSpan.Zero)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(untilTick);
                try
                {
                    await _wakeUp.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }
            if (DateTime.UtcNow >= nextTick)
            {
                foreach (var replica in _replicas.Values) replica.Tick();
                nextTick = DateTime.UtcNow + _tickInterval;
            }
            if (DateTime.UtcNow >= nextProgressNotify)
            {
                foreach (var replica in _replicas.Values) replica.NotifyWatchProgress();
                nextProgressNotify = DateTime.UtcNow + _progressNotifyInterval;
            }
            try
            {
                await RunOnceAsync(readies, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Storage failed: nothing of this batch is acknowledged. Callers time out with
                // etcd's error; the loop keeps going so the silo recovers when storage does.
                LogPersistFailed(ex);
                await Task.Delay(_tickInterval, stoppingToken);
            }
        }
    }

    private async Task RunOnceAsync(List<(ReplicaCore Replica, RaftReady Ready)> readies, CancellationToken ct)
    {
        while (true)
        {
            readies.Clear();
            foreach (var replica in _replicas.Values)
            {
                if (replica.TakeReady() is { } ready) readies.Add((replica, ready));
            }
            if (readies.Count == 0) return;

            var writes = new List<GroupWrite>(readies.Count);
            var entries = 0;
            foreach (var (replica, ready) in readies)
            {
                Deliver(replica.Key.ShardId, ready.Messages);
                // Answer clients while the batch is written: what is committed is durable already.
                if (ready.Snapshot is null) replica.Apply(ready);
                if (ready.HardState is not null) _unsyncedHardStates[replica.Key] = ready.HardState;
                if (!ready.MustSync) continue;
                _unsyncedHardStates.Remove(replica.Key, out var hardState);
                entries += ready.EntriesToPersist.Count;
                writes.Add(new GroupWrite(replica.Key.ShardId, replica.Generation)
                {
                    HardState = hardState,
                    Entries = ready.EntriesToPersist,
                    Snapshot = ready.Snapshot,
                });
            }
            if (writes.Count > 0)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await _store.SaveAsync(writes, ct);
                PersistSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                BatchEntries.Record(entries);
            }

            foreach (var (replica, ready) in readies)
            {
                Deliver(replica.Key.ShardId, ready.MessagesAfterPersist);
                if (ready.Snapshot is not null) replica.Apply(ready);
                replica.Advance(ready);
                AppliedEntries.Add(ready.CommittedEntries.Count);
                if (replica.TakeSnapshotIfDue() is { } snapshot)
                {
                    await _store.SaveAsync([new GroupWrite(replica.Key.ShardId, replica.Generation)
                    {
                        Snapshot = snapshot,
                        CompactThrough = snapshot.Metadata.Index,
                    }], ct);
                    replica.SnapshotPersisted(snapshot);
                    LogSnapshot(replica.Key.ShardId, snapshot.Metadata.Index);
                }
            }
        }
    }

    /// <summary>A Raft message from a peer silo: step the addressed replica if it lives here.</summary>
    public void Deliver(ulong groupId, Message message)
    {
        if (!_replicas.TryGetValue(new ReplicaKey(groupId, message.To), out var replica)) return;
        replica.Step(message);
        WakeUp();
    }

    /// <summary>Raft messages to their replicas: stepped here if local, else sent to the replica's silo.</summary>
    private void Deliver(ulong shardId, IReadOnlyList<Message> messages)
    {
        var local = false;
        foreach (var message in messages)
        {
            if (_replicas.TryGetValue(new ReplicaKey(shardId, message.To), out var peer))
            {
                peer.Step(message);
                local = true;
            }
            else if (_placement.SiloOf(message.To) is { } silo)
            {
                _transport.Send(silo, shardId, message);
            }
        }
        if (local) WakeUp();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Persisting a Raft batch failed; its requests are not acknowledged")]
    private partial void LogPersistFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {ShardId} snapshot at index {Index}; log compacted")]
    private partial void LogSnapshot(ulong shardId, ulong index);
}
