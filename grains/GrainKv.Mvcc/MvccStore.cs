using Etcdserverpb;
using Google.Protobuf;
using Mvccpb;

namespace GrainKv.Mvcc;

/// <summary>
/// The MVCC key-value state machine of one shard, with etcd 3.4's semantics (etcd-api.md §3): a store
/// revision that advances by one per change set, per-key histories with generations, reads at past
/// revisions, compaction, and a change log for watch replay. Pure: no I/O, clocks or threads; the
/// caller applies requests in log order and fills cluster_id, member_id and raft_term in the headers.
/// Responses never share mutable objects with the store.
/// </summary>
public sealed class MvccStore
{
    public const long InitialRevision = 1;
    public const long InitialCompactRevision = -1;

    private readonly KeyTree<KeyHistory> _index = new();
    private readonly ChangeLog _log = new();
    private readonly ILeaseLookup _leases;
    private long _revision = InitialRevision;
    private long _compactRevision = InitialCompactRevision;

    /// <summary>Changes of the write in progress; they carry revision <see cref="WriteRevision"/> until it commits.</summary>
    private int _pendingChanges;

    private long _stampedRevision;

    public MvccStore(ILeaseLookup? leases = null)
    {
        _leases = leases ?? NoLeases.Instance;
    }

    /// <summary>The store revision: 1 when empty, +1 per committed change set (or its stamped revision).</summary>
    public long Revision => _revision;

    /// <summary>
    /// The revision the next write commits at instead of the one after <see cref="Revision"/>, 0 for that one: with
    /// several shards a write's revision comes from the cluster's revision oracle, so each shard's revisions are
    /// sparse. Holds for one write (cleared when it commits); must be greater than <see cref="Revision"/>.
    /// </summary>
    public long StampedRevision
    {
        get => _stampedRevision;
        set
        {
            Invariant.Check(value == 0 || value > _revision, "a write's stamped revision must follow the store's");
            _stampedRevision = value;
        }
    }

    /// <summary>The revision of the write in progress.</summary>
    private long WriteRevision => _stampedRevision != 0 ? _stampedRevision : _revision + 1;

    /// <summary>The revision of the last compaction, -1 before the first.</summary>
    public long CompactRevision => _compactRevision;

    /// <summary>Keys in the index, those deleted but not yet compacted away included (etcd's keyIndex count).</summary>
    public long IndexedKeys => _index.Count;

    /// <summary>
    /// Every retained version of every key, tombstones included: what etcd's backend holds one row each of, and
    /// <c>etcdctl snapshot status</c> counts as its total keys. Walks the whole index.
    /// </summary>
    public long RetainedVersions
    {
        get
        {
            var count = 0L;
            for (var cursor = _index.Seek([]); cursor.IsValid; cursor.MoveNext()) count += cursor.Value.Versions.Length;
            return count;
        }
    }

    internal KeyTree<KeyHistory> Index => _index;

    internal ILeaseLookup Leases => _leases;

    /// <summary>What reads inside a write see: the write's own revision once it changed something.</summary>
    private long ReadRevision => _pendingChanges > 0 ? WriteRevision : _revision;

    public KvResult<RangeResponse> Range(RangeRequest request) => ReadRange(request);

    /// <summary>
    /// A range as of <paramref name="resolvedRevision"/>, a revision of the cluster's this store has everything up to
    /// (with several shards its own revision can be older: it wrote nothing since); the header carries that revision.
    /// </summary>
    public KvResult<RangeResponse> Range(RangeRequest request, long resolvedRevision) => ReadRange(request, resolvedRevision);

    /// <summary>Checks in etcd's order: unknown lease, then ignore_value/ignore_lease on an absent key.</summary>
    public KvResult<PutResponse> Put(PutRequest request)
    {
        if (request.Lease != 0 && !_leases.Exists(request.Lease))
        {
            return KvError.LeaseNotFound;
        }
        if ((request.IgnoreValue || request.IgnoreLease) && Latest(request.Key) is null)
        {
            return KvError.KeyNotFound;
        }
        var response = WritePut(request);
        CommitWrite();
        return response;
    }

    public DeleteRangeResponse DeleteRange(DeleteRangeRequest request)
    {
        var response = WriteDeleteRange(request);
        CommitWrite();
        return response;
    }

    public KvResult<TxnResponse> Txn(TxnRequest request) => TxnExecution.Run(this, request);

    /// <param name="latestRevision">
    /// The latest revision the cluster may be compacted at, when it is not this store's own: with several shards, any
    /// revision handed out before the compaction's, though this shard may have written nothing since long before it.
    /// </param>
    public KvResult<CompactionResponse> Compact(CompactionRequest request, long latestRevision = 0)
    {
        var compactRevision = request.Revision;
        if (compactRevision <= _compactRevision)
        {
            return KvError.Compacted;
        }
        if (compactRevision > (latestRevision != 0 ? latestRevision : _revision))
        {
            return KvError.FutureRevision;
        }
        _compactRevision = compactRevision;
        List<ByteString>? emptied = null;
        for (var cursor = _index.Seek([]); cursor.IsValid; cursor.MoveNext())
        {
            var history = cursor.Value;
            history.Compact(compactRevision);
            if (history.IsEmpty)
            {
                (emptied ??= []).Add(cursor.Key);
            }
        }
        if (emptied is not null)
        {
            foreach (var key in emptied)
            {
                _index.Remove(key.Span);
            }
        }
        _log.Compact(compactRevision);
        return new CompactionResponse { Header = Header(_revision) };
    }

    /// <summary>
    /// The events of every change with revision in [<paramref name="startRevision"/>, <paramref name="endRevision"/>],
    /// in (revision, sub-revision) order; delete events carry only key and mod_revision. Fails with
    /// <see cref="KvError.Compacted"/> when the start is below the compact revision, as etcd's watch does.
    /// With <paramref name="withPrevKv"/>, each event carries the key's KeyValue just before its revision.
    /// </summary>
    public KvResult<List<Event>> ChangesFrom(long startRevision, long endRevision = long.MaxValue, bool withPrevKv = false)
    {
        if (startRevision < _compactRevision)
        {
            return KvError.Compacted;
        }
        var events = new List<Event>();
        var changes = _log.Changes;
        for (var i = _log.IndexOf(startRevision); i < changes.Length && changes[i].Revision.Main <= endRevision; i++)
        {
            var change = changes[i];
            var changeEvent = change.Put is { } put
                ? new Event { Type = Event.Types.EventType.Put, Kv = Expose(put, keysOnly: false) }
                : new Event { Type = Event.Types.EventType.Delete, Kv = new KeyValue { Key = change.History.Key, ModRevision = change.Revision.Main } };
            if (withPrevKv && change.History.At(change.Revision.Main - 1) is { } previous)
            {
                changeEvent.PrevKv = Expose(previous, keysOnly: false);
            }
            events.Add(changeEvent);
        }
        return events;
    }

    /// <summary>
    /// etcd's HashKV: a CRC32 over every retained change up to <paramref name="revision"/> (0 = current)
    /// and the compact revision, equal on replicas that applied the same history. Like etcd, a
    /// revision at or below the compact revision is compacted (Range allows reading at it).
    /// </summary>
    public KvResult<HashKVResponse> HashKV(long revision)
    {
        var at = revision <= 0 ? _revision : revision;
        if (at > _revision) return KvError.FutureRevision;
        if (revision > 0 && at <= _compactRevision) return KvError.Compacted;
        using var crc = new Crc32Stream();
        foreach (var change in ChangesFrom(_compactRevision, at).Value) change.WriteTo(crc);
        Span<byte> compact = stackalloc byte[sizeof(long)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(compact, _compactRevision);
        crc.Write(compact);
        return new HashKVResponse { Header = Header(_revision), Hash = crc.Value, CompactRevision = _compactRevision };
    }

    /// <summary>CRC32 of the full retained state (the snapshot encoding), for comparing replicas.</summary>
    public uint Hash()
    {
        using var crc = new Crc32Stream();
        MvccSnapshot.Capture(this).WriteTo(crc);
        return crc.Value;
    }

    /// <summary>Writes every retained version, the revision and the compact revision; see <see cref="Restore"/>.</summary>
    public void WriteSnapshot(Stream destination) => CaptureSnapshot().WriteTo(destination);

    /// <summary>The state as of now, to be written while the store goes on (no write may be in progress).</summary>
    public MvccSnapshot CaptureSnapshot()
    {
        Invariant.Check(_pendingChanges == 0, "a snapshot is captured between writes");
        return MvccSnapshot.Capture(this);
    }

    /// <summary>A store that answers every read exactly as the one that wrote the snapshot.</summary>
    public static MvccStore Restore(Stream source, ILeaseLookup? leases = null) => MvccSnapshot.Read(source, leases);

    internal void LoadSnapshotState(long revision, long compactRevision, IReadOnlyList<KeyHistory> keysInOrder)
    {
        Invariant.Check(_index.Count == 0 && _pendingChanges == 0, "a snapshot loads into an empty store");
        _revision = revision;
        _compactRevision = compactRevision;
        var changes = new List<Change>();
        foreach (var history in keysInOrder)
        {
            _index.Add(history.Key, history);
            foreach (var version in history.Versions)
            {
                if (version.Revision.Main >= compactRevision)
                {
                    changes.Add(new Change(version.Revision, history, version.Put));
                }
            }
        }
        changes.Sort(static (a, b) => a.Revision.CompareTo(b.Revision));
        foreach (var change in changes)
        {
            _log.Append(change);
        }
    }

    internal KeyValue? Latest(ByteString key) => _index.Find(key.Span)?.Latest;

    internal KvResult<RangeResponse> ReadRange(RangeRequest request, long resolvedRevision = 0)
    {
        var current = Math.Max(ReadRevision, resolvedRevision);
        var revision = request.Revision;
        if (revision > current)
        {
            return KvError.FutureRevision;
        }
        if (revision <= 0)
        {
            revision = current;
        }
        // The latest state is never compacted away, even by a compaction at a later revision of another shard.
        if (request.Revision > 0 && revision < _compactRevision)
        {
            return KvError.Compacted;
        }

        var sortOrder = request.SortOrder;
        if (sortOrder == RangeRequest.Types.SortOrder.None && request.SortTarget != RangeRequest.Types.SortTarget.Key)
        {
            sortOrder = RangeRequest.Types.SortOrder.Ascend;
        }
        var hasFilters = request.MinModRevision != 0 || request.MaxModRevision != 0 || request.MinCreateRevision != 0 || request.MaxCreateRevision != 0;
        // Without sorting or filtering, one more than the limit is enough to know whether there is more.
        var collectLimit = request.Limit <= 0 || hasFilters || request.SortOrder != RangeRequest.Types.SortOrder.None || request.CountOnly
            ? long.MaxValue
            : request.Limit + (request.Limit < long.MaxValue ? 1 : 0);
        var kvs = new List<KeyValue>();
        var count = CollectAt(KeyRange.Of(request.Key, request.RangeEnd), revision, request.CountOnly ? 0 : collectLimit, kvs);

        if (hasFilters)
        {
            kvs.RemoveAll(kv =>
                (request.MaxModRevision != 0 && kv.ModRevision > request.MaxModRevision) ||
                (request.MinModRevision != 0 && kv.ModRevision < request.MinModRevision) ||
                (request.MaxCreateRevision != 0 && kv.CreateRevision > request.MaxCreateRevision) ||
                (request.MinCreateRevision != 0 && kv.CreateRevision < request.MinCreateRevision));
        }
        if (sortOrder is RangeRequest.Types.SortOrder.Ascend or RangeRequest.Types.SortOrder.Descend)
        {
            KeyValueOrder.Sort(kvs, request.SortTarget, sortOrder == RangeRequest.Types.SortOrder.Descend);
        }
        var response = new RangeResponse { Header = Header(current), Count = count };
        var returned = kvs.Count;
        if (request.Limit > 0 && returned > request.Limit)
        {
            returned = (int)request.Limit;
            response.More = true;
        }
        for (var i = 0; i < returned; i++)
        {
            response.Kvs.Add(Expose(kvs[i], request.KeysOnly));
        }
        return response;
    }

    /// <summary>Counts the keys visible at <paramref name="revision"/> and collects up to <paramref name="collectLimit"/> of them.</summary>
    private long CollectAt(KeyRange range, long revision, long collectLimit, List<KeyValue> kvs)
    {
        if (range.IsSingleKey)
        {
            var kv = _index.Find(range.Key.Span)?.At(revision);
            if (kv is null)
            {
                return 0;
            }
            if (collectLimit > 0)
            {
                kvs.Add(kv);
            }
            return 1;
        }
        long count = 0;
        for (var cursor = _index.Seek(range.Key.Span); cursor.IsValid && range.IsBeforeEnd(cursor.Key.Span); cursor.MoveNext())
        {
            var kv = cursor.Value.At(revision);
            if (kv is null)
            {
                continue;
            }
            count++;
            if (kvs.Count < collectLimit)
            {
                kvs.Add(kv);
            }
        }
        return count;
    }

    /// <summary>
    /// Puts inside the write in progress. The caller has checked the lease and ignore_* preconditions
    /// against the state before the write.
    /// </summary>
    internal PutResponse WritePut(PutRequest request)
    {
        var history = _index.Find(request.Key.Span);
        var previous = history?.Latest;
        var revision = new Revision(WriteRevision, _pendingChanges);
        if (history is null)
        {
            history = new KeyHistory(request.Key);
            _index.Add(request.Key, history);
        }
        var kv = new KeyValue
        {
            Key = history.Key,
            CreateRevision = previous?.CreateRevision ?? revision.Main,
            ModRevision = revision.Main,
            Version = (previous?.Version ?? 0) + 1,
            // A txn can delete (from-key) a key and then put it with ignore_*: etcd panics there; an
            // empty value and no lease keep every replica alive and identical.
            Value = request.IgnoreValue ? previous?.Value ?? ByteString.Empty : request.Value,
            Lease = request.IgnoreLease ? previous?.Lease ?? 0 : request.Lease,
        };
        Record(history, revision, kv);
        var response = new PutResponse { Header = Header(revision.Main) };
        if (request.PrevKv && previous is not null)
        {
            response.PrevKv = Expose(previous, keysOnly: false);
        }
        return response;
    }

    /// <summary>Deletes inside the write in progress: one tombstone per live key, in key order.</summary>
    internal DeleteRangeResponse WriteDeleteRange(DeleteRangeRequest request)
    {
        var range = KeyRange.Of(request.Key, request.RangeEnd);
        var response = new DeleteRangeResponse();
        if (range.IsSingleKey)
        {
            if (_index.Find(range.Key.Span) is { Latest: not null } history)
            {
                Delete(history, request.PrevKv, response);
            }
        }
        else
        {
            var live = new List<KeyHistory>();
            for (var cursor = _index.Seek(range.Key.Span); cursor.IsValid && range.IsBeforeEnd(cursor.Key.Span); cursor.MoveNext())
            {
                if (cursor.Value.Latest is not null)
                {
                    live.Add(cursor.Value);
                }
            }
            foreach (var history in live)
            {
                Delete(history, request.PrevKv, response);
            }
        }
        response.Header = Header(ReadRevision);
        return response;
    }

    internal void CommitWrite()
    {
        if (_pendingChanges > 0)
        {
            _revision = WriteRevision;
            _pendingChanges = 0;
        }
        _stampedRevision = 0;
    }

    private void Delete(KeyHistory history, bool withPrevKv, DeleteRangeResponse response)
    {
        if (withPrevKv)
        {
            response.PrevKvs.Add(Expose(history.Latest!, keysOnly: false));
        }
        Record(history, new Revision(WriteRevision, _pendingChanges), put: null);
        response.Deleted++;
    }

    private void Record(KeyHistory history, Revision revision, KeyValue? put)
    {
        history.Append(new KeyVersion(revision, put));
        _log.Append(new Change(revision, history, put));
        _pendingChanges++;
    }

    private static ResponseHeader Header(long revision) => new() { Revision = revision };

    /// <summary>A copy for a response: the stored KeyValue stays private; key and value bytes are shared (immutable).</summary>
    private static KeyValue Expose(KeyValue stored, bool keysOnly) => new()
    {
        Key = stored.Key,
        CreateRevision = stored.CreateRevision,
        ModRevision = stored.ModRevision,
        Version = stored.Version,
        Value = keysOnly ? ByteString.Empty : stored.Value,
        Lease = stored.Lease,
    };
}
