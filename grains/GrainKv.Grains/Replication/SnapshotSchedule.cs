namespace GrainKv.Grains.Replication;

/// <summary>
/// When a replica's next snapshot is due. A snapshot writes the whole state, history included, so taking one every
/// <see cref="Count"/> entries would make each write pay for a share of a state that only grows while the history is
/// kept. A snapshot is therefore due once <see cref="Count"/> entries have been applied since the last one (etcd's
/// --snapshot-count) and, past that, once the entries applied since weigh as much as the last snapshot did — the Raft
/// dissertation's rule (§5.1.3): every byte written to a snapshot is then paid for by a byte of log, however large
/// the state grows, and the log never holds more than about the state's size (so neither does a replay after a
/// restart). A compaction since the last snapshot makes one due by count alone: a snapshot then also gives back the
/// space the compacted history holds in the store.
/// </summary>
public sealed class SnapshotSchedule(long count, long lastSnapshotBytes, long compactRevision)
{
    private long _entriesSince;
    private long _bytesSince;
    private long _lastSnapshotBytes = lastSnapshotBytes;
    private long _compactRevisionAtLast = compactRevision;

    public long Count { get; } = count;

    public void Applied(int entryBytes)
    {
        _entriesSince++;
        _bytesSince += entryBytes;
    }

    public bool IsDue(long compactRevision) =>
        _entriesSince >= Count && (_bytesSince >= _lastSnapshotBytes || compactRevision != _compactRevisionAtLast);

    /// <summary>A snapshot of the state at <paramref name="compactRevision"/> was captured (or installed): counting starts again.</summary>
    public void Taken(long compactRevision)
    {
        _entriesSince = 0;
        _bytesSince = 0;
        _compactRevisionAtLast = compactRevision;
    }

    /// <summary>A snapshot replaced the log: the next one is weighed against its size.</summary>
    public void Saved(long snapshotBytes) => _lastSnapshotBytes = snapshotBytes;
}
