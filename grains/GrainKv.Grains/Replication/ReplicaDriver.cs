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
    private static readonly Histogram<long> BatchEntries = Meter.CreateHistogram<long>("grainkv_persisted_batch_entries", unit: null,
        description: "Raft entries persisted per storage transaction.", tags: null,
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048] });
    private static readonly Histogram<double> PersistSeconds = Meter.CreateHistogram<double>("grainkv_persist_duration_seconds", "s", "Time to persist one batch.");
    private static readonly Counter<long> PersistFailures = Meter.CreateCounter<long>("grainkv_persist_failures_total", description: "Failed attempts to persist a batch; each is retried.");
    private static readonly Counter<long> AppliedEntries = Meter.CreateCounter<long>("grainkv_applied_entries_total", description: "Committed Raft entries applied.");

    /// <summary>Retries of a failed save back off from one tick to this, so a recovered store is noticed within it.</summary>
    private static readonly TimeSpan MaxPersistRetryDelay = TimeSpan.FromSeconds(1);

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
                // Not storage (PersistAsync outlasts its failures): a bug. Keep the other replicas going.
                LogLoopFailed(ex);
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
                await PersistAsync(writes, ct);
                PersistSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                BatchEntries.Record(entries);
            }

            foreach (var (replica, ready) in readies)
            {
                if (!IsRegistered(replica)) continue;
                Deliver(replica.Key.ShardId, ready.MessagesAfterPersist);
                if (ready.Snapshot is not null) replica.Apply(ready);
                replica.Advance(ready);
                AppliedEntries.Add(ready.CommittedEntries.Count);
                if (replica.TakeSnapshotIfDue() is { } snapshot)
                {
                    await PersistAsync([new GroupWrite(replica.Key.ShardId, replica.Generation)
                    {
                        Snapshot = snapshot,
                        CompactThrough = snapshot.Metadata.Index,
                    }], ct);
                    if (!IsRegistered(replica)) continue;
                    replica.SnapshotPersisted(snapshot);
                    LogSnapshot(replica.Key.ShardId, snapshot.Metadata.Index);
                }
            }
        }
    }

    /// <summary>
    /// Saves <paramref name="writes"/>, retrying until they are durable or the silo stops. The nodes handed
    /// their batches out once and will not again, and acknowledgements wait in MessagesAfterPersist: giving
    /// up would lose both, so nothing later is taken meanwhile (as etcd's raft loop blocks on its WAL write).
    /// Proposals wait, and their callers get etcd's timeout error at their deadline. Saving the same writes
    /// again is safe even if an attempt that failed did commit: a write replaces exactly what it covers.
    /// A fenced replica is stopped and its write dropped, and the rest of the batch is saved without it.
    /// </summary>
    private async Task PersistAsync(List<GroupWrite> writes, CancellationToken ct)
    {
        var failures = 0;
        var retryDelay = _tickInterval;
        while (writes.Count > 0)
        {
            try
            {
                await _store.SaveAsync(writes, ct);
                if (failures > 0) LogPersistRecovered(failures);
                return;
            }
            catch (FencedWriteException fenced)
            {
                // Never loop on a refusal this batch cannot be rid of.
                if (writes.RemoveAll(write => write.GroupId == fenced.GroupId && write.Generation == fenced.WriteGeneration) == 0) throw;
                StopFenced(fenced);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                failures++;
                PersistFailures.Add(1);
                if (failures == 1) LogPersistFailed(ex);
                else LogPersistStillFailing(failures, ex.Message);
                await Task.Delay(retryDelay, ct);
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxPersistRetryDelay.Ticks));
            }
        }
    }

    /// <summary>A newer activation of the replica claimed its group: this one must never write or send again.</summary>
    private void StopFenced(FencedWriteException fenced)
    {
        foreach (var replica in _replicas.Values.Where(r => r.Key.ShardId == fenced.GroupId && r.Generation == fenced.WriteGeneration))
        {
            LogFenced(fenced.GroupId, replica.Key.ReplicaId, fenced.WriteGeneration, fenced.CurrentGeneration);
            Unregister(replica);
        }
    }

    private bool IsRegistered(ReplicaCore replica) =>
        _replicas.TryGetValue(replica.Key, out var registered) && ReferenceEquals(registered, replica);

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Persisting a Raft batch failed; it is retried until storage takes it, and its requests wait")]
    private partial void LogPersistFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Persisting a Raft batch failed {Failures} times, retrying: {Error}")]
    private partial void LogPersistStillFailing(int failures, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Persisting Raft batches resumed after {Failures} failed attempts")]
    private partial void LogPersistRecovered(int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replica {ReplicaId:x16} of shard {ShardId} stops: its writes with generation {Generation} are fenced by generation {CurrentGeneration}")]
    private partial void LogFenced(ulong shardId, ulong replicaId, ulong generation, ulong currentGeneration);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Driving the replicas failed")]
    private partial void LogLoopFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {ShardId} snapshot at index {Index}; log compacted")]
    private partial void LogSnapshot(ulong shardId, ulong index);
}
