using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using GrainKv.Raft;
using GrainKv.Shard;
using GrainKv.Storage;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Replication;

/// <summary>
/// The replicas of one silo and the handling of what their nodes make ready: one storage
/// transaction for everything all of them must sync, messages out, committed entries applied,
/// then the acknowledgements that wait for durability, Advance, and snapshots when due. A snapshot is captured on the
/// loop (references only), written and staged in the store off it, and adopted with a later batch, so the loop never
/// waits for a state that grows with the key space and its history.
/// <see cref="ReplicaDriver"/> runs it on a silo; the simulation runs it over its in-memory store
/// and virtual clock, so what the simulation checks is the code that ships. Proposals that arrive
/// while a transaction is in flight wait in the nodes' unstable logs and go out together in the
/// next one: that is the proposal batching. One <see cref="ProcessAsync"/> at a time; the rest
/// (registering, stepping, ticking the replicas) may run concurrently with it, each call into a
/// <see cref="ReplicaCore"/> under the core's own gate.
/// </summary>
public sealed partial class ReadyProcessor
{
    private static readonly Meter Meter = new("GrainKv.Replication");
    private static readonly Histogram<long> BatchEntries = Meter.CreateHistogram<long>("grainkv_persisted_batch_entries", unit: null,
        description: "Raft entries persisted per storage transaction.", tags: null,
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048] });
    /// <summary>
    /// etcd's WAL fsync histogram, by its name, help and buckets (1 ms doubling to 8.192 s): the one durable save of a
    /// batch is where GrainKv syncs its log, so etcd's dashboards and alerts on disk latency read it unchanged.
    /// </summary>
    private static readonly Histogram<double> PersistSeconds = Meter.CreateHistogram<double>("etcd_disk_wal_fsync_duration_seconds", "s",
        "The latency distributions of fsync called by WAL.", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192] });
    private static readonly Counter<long> PersistFailures = Meter.CreateCounter<long>("grainkv_persist_failures_total", description: "Failed attempts to persist a batch; each is retried.");
    private static readonly Counter<long> AppliedEntries = Meter.CreateCounter<long>("grainkv_applied_entries_total", description: "Committed Raft entries applied.");

    /// <summary>Retries of a failed save back off from the first retry delay to this, so a recovered store is noticed within it.</summary>
    private static readonly TimeSpan MaxPersistRetryDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<ReplicaKey, ReplicaCore> _replicas = new();

    /// <summary>
    /// Hard states whose only change is the commit index (no sync owed): written with the group's
    /// next synced batch. Losing one in a crash only means re-learning the commit index.
    /// </summary>
    private readonly Dictionary<ReplicaKey, HardState> _unsyncedHardStates = [];
    private readonly List<(ReplicaCore Replica, RaftReady Ready)> _readies = [];

    /// <summary>Replicas whose snapshot is being written and staged; touched only by <see cref="ProcessAsync"/>.</summary>
    private readonly HashSet<ReplicaCore> _snapshotting = [];

    /// <summary>Snapshots written and staged (or failed: no staged snapshot) off the loop, for the loop to adopt.</summary>
    private readonly ConcurrentQueue<(ReplicaCore Replica, Snapshot? Snapshot, StagedSnapshot? Staged)> _stagedSnapshots = new();
    private readonly List<(ReplicaCore Replica, Snapshot Snapshot, StagedSnapshot Staged)> _adoptions = [];
    /// <summary>The obsolete log entries of each replica, deleted a slice per saved batch; touched only by <see cref="ProcessAsync"/>.</summary>
    private readonly Dictionary<ReplicaCore, LogTrim> _trims = [];
    private readonly IRaftLogStore _store;
    private readonly Action<ulong, Message> _sendToPeer;
    private readonly TimeProvider _time;
    private readonly TimeSpan _firstRetryDelay;
    private readonly Func<Func<Snapshot>, Task<Snapshot>> _offLoop;
    private readonly Action _wakeUp;
    private readonly ILogger _log;

    /// <param name="sendToPeer">Sends a message of a group to a replica that does not live here.</param>
    /// <param name="firstRetryDelay">How long a failed save waits before its first retry.</param>
    /// <param name="offLoop">Runs the writing of a snapshot where it does not hold up the loop (the thread pool; the simulation runs it inline).</param>
    /// <param name="wakeUp">Has <see cref="ProcessAsync"/> run soon: a staged snapshot is waiting to be adopted.</param>
    public ReadyProcessor(IRaftLogStore store, Action<ulong, Message> sendToPeer, TimeProvider time, TimeSpan firstRetryDelay,
        Func<Func<Snapshot>, Task<Snapshot>> offLoop, Action wakeUp, ILogger log)
    {
        _store = store;
        _sendToPeer = sendToPeer;
        _time = time;
        _firstRetryDelay = firstRetryDelay;
        _offLoop = offLoop;
        _wakeUp = wakeUp;
        _log = log;
    }

    /// <summary>A replica applied what a ready batch carried (the simulation checks its invariants here).</summary>
    public event Action<ReplicaCore, RaftReady>? Applied;

    public ICollection<ReplicaCore> Replicas => _replicas.Values;

    /// <summary>This silo's replica of <paramref name="shardId"/>, if it holds one.</summary>
    public ReplicaCore? LocalReplica(ulong shardId) => _replicas.Values.FirstOrDefault(r => r.Key.ShardId == shardId);

    public void Register(ReplicaCore replica) => _replicas[replica.Key] = replica;

    public void Unregister(ReplicaCore replica)
    {
        _replicas.TryRemove(new KeyValuePair<ReplicaKey, ReplicaCore>(replica.Key, replica));
        replica.Stop();
    }

    /// <summary>Steps the addressed replica if it lives here; false if it does not.</summary>
    public bool Step(ulong groupId, Message message)
    {
        if (!_replicas.TryGetValue(new ReplicaKey(groupId, message.To), out var replica)) return false;
        replica.Step(message);
        return true;
    }

    /// <summary>Handles ready batches and staged snapshots until no replica has either.</summary>
    public async Task ProcessAsync(CancellationToken ct)
    {
        while (true)
        {
            _readies.Clear();
            // Enumerated, not through Values: that takes every lock of the dictionary and copies it, once per round.
            foreach (var (_, replica) in _replicas)
            {
                if (replica.TakeReady() is { } ready) _readies.Add((replica, ready));
            }
            // After the readies: a snapshot from a leader that one of them carries has already made an older one useless.
            TakeStagedSnapshots();
            if (_readies.Count == 0 && _adoptions.Count == 0) return;

            var writes = new List<GroupWrite>(_readies.Count + _adoptions.Count);
            foreach (var (replica, snapshot, staged) in _adoptions)
            {
                writes.Add(new GroupWrite(replica.Key.ShardId, replica.Generation)
                {
                    StagedSnapshot = staged,
                    CompactThrough = TrimOf(replica).FirstSliceOf(snapshot.Metadata.Index),
                });
            }
            var entries = 0;
            foreach (var (replica, ready) in _readies)
            {
                Deliver(replica.Key.ShardId, ready.Messages);
                // Answer clients while the batch is written: what is committed is durable already.
                if (ready.Snapshot is null) Apply(replica, ready);
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
                AddLogTrimSlices(writes);
                var started = Stopwatch.GetTimestamp();
                await PersistAsync(writes, ct).ConfigureAwait(false);
                PersistSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                BatchEntries.Record(entries);
                LogTrimSlicesSaved(writes);
            }

            foreach (var (replica, snapshot, staged) in _adoptions)
            {
                if (!IsRegistered(replica) || !writes.Exists(write => ReferenceEquals(write.StagedSnapshot, staged))) continue;
                replica.SnapshotPersisted(snapshot);
                TrimOf(replica).SnapshotAdopted(snapshot.Metadata.Index);
                LogSnapshot(replica.Key.ShardId, snapshot.Metadata.Index);
                // Entries applied while this one was saved may have made the next one due already.
                SnapshotIfDue(replica, ct);
            }
            foreach (var (replica, ready) in _readies)
            {
                if (!IsRegistered(replica)) continue;
                Deliver(replica.Key.ShardId, ready.MessagesAfterPersist);
                if (ready.Snapshot is not null) Apply(replica, ready);
                replica.Advance(ready);
                AppliedEntries.Add(ready.CommittedEntries.Count);
                SnapshotIfDue(replica, ct);
            }
        }
    }

    /// <summary>
    /// Gives each write of a replica whose log holds obsolete entries the next slice of them to delete, and a replica
    /// with nothing else in the batch a write of its own. A write that already compacts (a snapshot adopted in this very
    /// batch) keeps its own.
    /// </summary>
    private void AddLogTrimSlices(List<GroupWrite> writes)
    {
        foreach (var (replica, trim) in _trims)
        {
            if (!IsRegistered(replica))
            {
                _trims.Remove(replica);
                continue;
            }
            if (trim.NextSlice is not { } slice) continue;
            var shardId = replica.Key.ShardId;
            var at = writes.FindIndex(write => write.GroupId == shardId && write.Generation == replica.Generation);
            if (at < 0) writes.Add(new GroupWrite(shardId, replica.Generation) { CompactThrough = slice });
            else if (writes[at].CompactThrough is null) writes[at] = writes[at] with { CompactThrough = slice };
        }
    }

    private void LogTrimSlicesSaved(List<GroupWrite> writes)
    {
        foreach (var write in writes)
        {
            if (write.CompactThrough is not { } through) continue;
            foreach (var (replica, trim) in _trims)
            {
                if (replica.Key.ShardId == write.GroupId && replica.Generation == write.Generation) trim.Deleted(through);
            }
        }
    }

    private LogTrim TrimOf(ReplicaCore replica)
    {
        if (!_trims.TryGetValue(replica, out var trim)) _trims[replica] = trim = new LogTrim();
        return trim;
    }

    /// <summary>Captures a snapshot when one is due and none is being saved, and saves it off the loop.</summary>
    private void SnapshotIfDue(ReplicaCore replica, CancellationToken ct)
    {
        if (_snapshotting.Contains(replica) || replica.CaptureSnapshotIfDue() is not { } capture) return;
        _snapshotting.Add(replica);
        _ = StageSnapshotAsync(replica, capture, ct);
    }

    /// <summary>
    /// Writes a captured snapshot and stages it in the store, off the loop, then hands it back to the loop to adopt.
    /// A failure loses nothing: the log stays until the next snapshot, due after another snapshot count of entries.
    /// </summary>
    private async Task StageSnapshotAsync(ReplicaCore replica, SnapshotCapture capture, CancellationToken ct)
    {
        try
        {
            var snapshot = await _offLoop(capture.Write).ConfigureAwait(false);
            var staged = await _store.StageSnapshotAsync(replica.Key.ShardId, replica.Generation, snapshot, ct).ConfigureAwait(false);
            _stagedSnapshots.Enqueue((replica, snapshot, staged));
        }
        catch (Exception ex)
        {
            if (!ct.IsCancellationRequested) LogSnapshotFailed(replica.Key.ShardId, capture.Metadata.Index, ex);
            _stagedSnapshots.Enqueue((replica, null, null));
        }
        _wakeUp();
    }

    /// <summary>The staged snapshots that still compact their replica's log, into <see cref="_adoptions"/>.</summary>
    private void TakeStagedSnapshots()
    {
        _adoptions.Clear();
        while (_stagedSnapshots.TryDequeue(out var done))
        {
            _snapshotting.Remove(done.Replica);
            if (done is (var replica, { } snapshot, { } staged) && IsRegistered(replica) && replica.WouldCompactTheLog(snapshot.Metadata.Index))
            {
                _adoptions.Add((replica, snapshot, staged));
            }
        }
    }

    private void Apply(ReplicaCore replica, RaftReady ready)
    {
        replica.Apply(ready);
        Applied?.Invoke(replica, ready);
    }

    /// <summary>
    /// Saves <paramref name="writes"/>, retrying until they are durable or the silo stops. The nodes handed
    /// their batches out once and will not again, and acknowledgements wait in MessagesAfterPersist: giving
    /// up would lose both, so nothing later is taken meanwhile (as etcd's raft loop blocks on its WAL write).
    /// Proposals wait, and their callers get etcd's timeout error at their deadline. Saving the same writes
    /// again is safe even if an attempt that failed did commit: a write replaces exactly what it covers.
    /// A fenced replica is stopped and its write dropped, and the rest of the batch is saved without it; so is the adoption
    /// of a staged snapshot the store no longer holds all of.
    /// </summary>
    private async Task PersistAsync(List<GroupWrite> writes, CancellationToken ct)
    {
        var failures = 0;
        var retryDelay = _firstRetryDelay;
        while (writes.Count > 0)
        {
            try
            {
                await _store.SaveAsync(writes, ct).ConfigureAwait(false);
                if (failures > 0) LogPersistRecovered(failures);
                return;
            }
            catch (FencedWriteException fenced)
            {
                // Never loop on a refusal this batch cannot be rid of.
                if (writes.RemoveAll(write => write.GroupId == fenced.GroupId && write.Generation == fenced.WriteGeneration) == 0) throw;
                StopFenced(fenced);
            }
            catch (StagedSnapshotMissingException missing)
            {
                // The log stays as it is until the next snapshot; the batch's other writes must not wait for this one.
                if (writes.RemoveAll(write => write.GroupId == missing.GroupId && write.StagedSnapshot?.Metadata.Index == missing.Index) == 0) throw;
                LogSnapshotFailed(missing.GroupId, missing.Index, missing);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                failures++;
                PersistFailures.Add(1);
                if (failures == 1) LogPersistFailed(ex);
                else LogPersistStillFailing(failures, ex.Message);
                await Task.Delay(retryDelay, _time, ct).ConfigureAwait(false);
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

    /// <summary>Raft messages to their replicas: stepped here if local (taken by the next round of the loop), else sent.</summary>
    private void Deliver(ulong shardId, IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
            if (!Step(shardId, message)) _sendToPeer(shardId, message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Persisting a Raft batch failed; it is retried until storage takes it, and its requests wait")]
    private partial void LogPersistFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Persisting a Raft batch failed {Failures} times, retrying: {Error}")]
    private partial void LogPersistStillFailing(int failures, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Persisting Raft batches resumed after {Failures} failed attempts")]
    private partial void LogPersistRecovered(int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replica {ReplicaId:x16} of shard {ShardId} stops: its writes with generation {Generation} are fenced by generation {CurrentGeneration}")]
    private partial void LogFenced(ulong shardId, ulong replicaId, ulong generation, ulong currentGeneration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {ShardId}: the snapshot at index {Index} could not be saved; the log is kept until the next one")]
    private partial void LogSnapshotFailed(ulong shardId, ulong index, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {ShardId} snapshot at index {Index}; log compacted")]
    private partial void LogSnapshot(ulong shardId, ulong index);
}
