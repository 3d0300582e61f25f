using Etcdserverpb;
using GrainKv.Leases;
using GrainKv.Mvcc;
using GrainKv.Shard;
using GrainKv.Watch;

namespace GrainKv.Grains.Shard;

/// <summary>
/// A shard's replicated state: the MVCC store, the leases whose keys it holds and the cluster's alarms.
/// What a committed <see cref="ShardCommand"/> does, what a read sees, and (on the leader) how lease TTLs run.
/// Pure: the replica shell feeds it committed entries in log order and passes time in.
/// </summary>
public sealed class ShardStateMachine
{
    private Lessor _lessor;
    private MvccStore _store;
    private AlarmTable _alarms = new();
    private RevisionOracle _oracle = new();

    public ShardStateMachine(long minLeaseTtlSeconds)
    {
        _lessor = new Lessor(minLeaseTtlSeconds);
        _store = new MvccStore(_lessor);
        Watches = new WatchHub(_store);
    }

    /// <summary>The watch fan-out over this state; replaced (its streams dropped) when a snapshot replaces the state.</summary>
    public WatchHub Watches { get; }

    public long Revision => _store.Revision;
    public long CompactRevision => _store.CompactRevision;
    public long RetainedKeyVersions => _store.RetainedVersions;
    public long IndexedKeys => _store.IndexedKeys;
    public IReadOnlyList<AlarmMember> Alarms => _alarms.Active;

    /// <summary>
    /// Alarms refuse writes here, at apply, as etcd's appliers do: while a CORRUPT alarm is active every command but
    /// an alarm's, and while a NOSPACE alarm is active those that need space. The alarms are replicated state, so
    /// every replica refuses the same entries, and an alarm raised or disarmed while a write was in flight decides
    /// by log order, which a check before proposing cannot. Reads are not refused, as on etcd.
    /// </summary>
    public ShardReply Apply(ShardCommand command, long nowMs)
    {
        if (command.Revision != 0 && command.Revision <= _store.Revision) return new ShardReply { Error = ShardError.StaleRevision };
        if (_alarms.IsActive(AlarmType.Corrupt) && command.RequestCase != ShardCommand.RequestOneofCase.Alarm)
        {
            return new ShardReply { Error = ShardError.Corrupt };
        }
        if (_alarms.IsActive(AlarmType.Nospace) && SpaceUse.Grows(command)) return new ShardReply { Error = ShardError.NoSpace };
        return ApplyUncapped(command, nowMs);
    }

    private ShardReply ApplyUncapped(ShardCommand command, long nowMs) => command.RequestCase switch
    {
        ShardCommand.RequestOneofCase.Put => Reply(Write(command.Revision, () => _store.Put(command.Put)), static (r, v) => r.Put = v),
        ShardCommand.RequestOneofCase.DeleteRange => Reply<DeleteRangeResponse>(Write(command.Revision, () => _store.DeleteRange(command.DeleteRange)), static (r, v) => r.DeleteRange = v),
        ShardCommand.RequestOneofCase.Txn => Reply(Write(command.Revision, () => _store.Txn(command.Txn)), static (r, v) => r.Txn = v),
        // A stamped compaction may be at any revision handed out before its own stamp.
        ShardCommand.RequestOneofCase.Compaction => Reply(_store.Compact(command.Compaction, latestRevision: command.Revision != 0 ? command.Revision - 1 : 0), static (r, v) => r.Compaction = v),
        ShardCommand.RequestOneofCase.LeaseGrant => Grant(command.LeaseGrant, nowMs),
        ShardCommand.RequestOneofCase.LeaseRevoke => Revoke(command.LeaseRevoke, command.Revision),
        ShardCommand.RequestOneofCase.Alarm => new ShardReply { Alarm = _alarms.Apply(command.Alarm) },
        ShardCommand.RequestOneofCase.AllocateRevisions => new ShardReply { Revisions = _oracle.Allocate(command.AllocateRevisions.Count) },
        _ => new ShardReply { Error = ShardError.KeyNotFound },
    };

    public ShardReply Read(ShardRead read) => read.RequestCase switch
    {
        ShardRead.RequestOneofCase.Range => Reply(_store.Range(read.Range, read.Revision), static (r, v) => r.Range = v),
        ShardRead.RequestOneofCase.Txn => Reply(_store.Txn(read.Txn), static (r, v) => r.Txn = v),
        ShardRead.RequestOneofCase.HashKv => Reply(_store.HashKV(read.HashKv.Revision), static (r, v) => r.HashKv = v),
        _ => new ShardReply { Error = ShardError.KeyNotFound },
    };

    /// <summary>Whether <paramref name="read"/> asks about lease TTLs, which only the leader's clock knows.</summary>
    public static bool IsLeaseRead(ShardRead read) => read.RequestCase is ShardRead.RequestOneofCase.LeaseKeepAlive
        or ShardRead.RequestOneofCase.LeaseTimeToLive or ShardRead.RequestOneofCase.LeaseLeases;

    /// <summary>
    /// A lease read on the leader. Keep-alive of an unknown or expired lease answers TTL 0 and
    /// time-to-live of an unknown lease TTL -1, as etcd does; neither is an error.
    /// </summary>
    public ShardReply ReadLease(ShardRead read, long nowMs)
    {
        var header = new ResponseHeader { Revision = _store.Revision };
        switch (read.RequestCase)
        {
            case ShardRead.RequestOneofCase.LeaseKeepAlive:
                var id = read.LeaseKeepAlive.ID;
                var renewed = _lessor.KeepAlive(id, nowMs);
                if (renewed.Error == LeaseError.NotPrimary) return new ShardReply { Error = ShardError.NotLeader };
                return new ShardReply { LeaseKeepAlive = new LeaseKeepAliveResponse { Header = header, ID = id, TTL = renewed.IsOk ? renewed.Value : 0 } };
            case ShardRead.RequestOneofCase.LeaseTimeToLive:
                var request = read.LeaseTimeToLive;
                var ttl = _lessor.TimeToLive(request.ID, nowMs);
                if (ttl.Error == LeaseError.NotPrimary) return new ShardReply { Error = ShardError.NotLeader };
                var response = new LeaseTimeToLiveResponse { Header = header, ID = request.ID, TTL = -1 };
                if (ttl.IsOk)
                {
                    response.TTL = ttl.Value.RemainingSeconds;
                    response.GrantedTTL = ttl.Value.GrantedTtlSeconds;
                    if (request.Keys) response.Keys.AddRange(ttl.Value.Keys);
                }
                return new ShardReply { LeaseTimeToLive = response };
            default:
                var leases = new LeaseLeasesResponse { Header = header };
                leases.Leases.AddRange(_lessor.Leases().Select(l => new LeaseStatus { ID = l }));
                return new ShardReply { LeaseLeases = leases };
        }
    }

    /// <summary>The leader renews every lease from its full TTL plus <paramref name="extendMs"/>, so none expires early on failover.</summary>
    public void Promote(long nowMs, long extendMs) => _lessor.Promote(nowMs, extendMs);

    public void Demote() => _lessor.Demote();

    /// <summary>Leases the leader should revoke now, through Raft.</summary>
    public IReadOnlyList<long> ExpiredLeases(long nowMs, int limit) => _lessor.ExpiredAt(nowMs, limit);

    /// <summary>
    /// The state as of now, to be written off the caller's lock (the alarms, then the revision oracle, come last so that
    /// snapshots from before them still restore).
    /// </summary>
    public ShardStateSnapshot CaptureSnapshot()
    {
        using var leases = new MemoryStream();
        _lessor.WriteSnapshot(leases);
        using var clusterState = new MemoryStream();
        _alarms.WriteSnapshot(clusterState);
        _oracle.WriteSnapshot(clusterState);
        return new ShardStateSnapshot(leases.ToArray(), _store.CaptureSnapshot(), clusterState.ToArray());
    }

    public void WriteSnapshot(Stream destination) => CaptureSnapshot().WriteTo(destination);

    public void RestoreSnapshot(Stream source)
    {
        _lessor = Lessor.Restore(source, _lessor.MinTtlSeconds);
        _store = MvccStore.Restore(source, _lessor);
        _alarms = AlarmTable.Restore(source);
        _oracle = RevisionOracle.Restore(source);
        Watches.Restore(_store);
    }

    private ShardReply Grant(LeaseGrantRequest request, long nowMs)
    {
        var granted = _lessor.Grant(request.ID, request.TTL, nowMs);
        if (!granted.IsOk) return new ShardReply { Error = ToShardError(granted.Error) };
        return new ShardReply
        {
            LeaseGrant = new LeaseGrantResponse { Header = new ResponseHeader { Revision = _store.Revision }, ID = granted.Value.Id, TTL = granted.Value.TtlSeconds },
        };
    }

    /// <summary>All the lease's keys go in one revision, one DELETE event each, in key order.</summary>
    private ShardReply Revoke(LeaseRevokeRequest request, long revision)
    {
        var revoked = _lessor.Revoke(request.ID);
        if (!revoked.IsOk) return new ShardReply { Error = ToShardError(revoked.Error) };
        if (revoked.Value.Keys.Count > 0) Write(revision, () => _store.Txn(revoked.Value.DeleteKeysTxn()));
        return new ShardReply { LeaseRevoke = new LeaseRevokeResponse { Header = new ResponseHeader { Revision = _store.Revision } } };
    }

    /// <summary>
    /// A write, at <paramref name="revision"/> if it is stamped with one; its events attach and detach keys to and from
    /// leases and go to the watchers.
    /// </summary>
    private T Write<T>(long revision, Func<T> write)
    {
        var before = _store.Revision;
        _store.StampedRevision = revision;
        var result = write();
        // A write refused before it wrote (an unknown lease, ...) leaves the stamp for no one.
        _store.StampedRevision = 0;
        if (_store.Revision > before)
        {
            // Events cost a history lookup per write: only read them when a lease or a watcher needs them.
            var watched = Watches.HasStreams;
            var events = watched || _lessor.Count > 0
                ? _store.ChangesFrom(_store.Revision, _store.Revision, withPrevKv: watched).Value
                : [];
            _lessor.ApplyWrite(events);
            Watches.OnApplied(_store.Revision, events);
        }
        return result;
    }

    private static ShardError ToShardError(LeaseError error) => error switch
    {
        LeaseError.NotFound => ShardError.LeaseNotFound,
        LeaseError.LeaseExists => ShardError.LeaseExists,
        LeaseError.TooLargeTtl => ShardError.LeaseTtlTooLarge,
        LeaseError.NotPrimary => ShardError.NotLeader,
        _ => ShardError.LeaseNotFound,
    };

    private static ShardReply Reply<T>(KvResult<T> result, Action<ShardReply, T> set) where T : class
    {
        var reply = new ShardReply();
        if (result.IsOk) set(reply, result.Value);
        else reply.Error = ShardErrors.From(result.Error);
        return reply;
    }
}
