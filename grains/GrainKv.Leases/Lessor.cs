using Google.Protobuf;
using GrainKv.Mvcc;
using Mvccpb;

namespace GrainKv.Leases;

/// <summary>
/// The lease table of one shard, with etcd 3.4's semantics (etcd-api.md §5). Two kinds of state:
/// replicated (leases with their granted TTL and attached keys), changed only by applying committed
/// commands and identical on every replica; and the leader's volatile expiry times, set by
/// <see cref="Promote"/>, dropped by <see cref="Demote"/>. Pure: time is passed in as milliseconds,
/// and expired leases are reported for the leader to revoke through Raft, never revoked here.
/// </summary>
public sealed class Lessor : ILeaseLookup
{
    /// <summary>etcd's MaxLeaseTTL.</summary>
    public const long MaxTtlSeconds = 9_000_000_000;

    /// <summary>How long a lease reported by <see cref="ExpiredAt"/> waits before it is reported again (etcd's expiredLeaseRetryInterval).</summary>
    public const long RevokeRetryMs = 3_000;

    private readonly Dictionary<long, Lease> _leases = [];
    private readonly Dictionary<ByteString, Lease> _leaseOfKey = [];

    /// <summary>The leader's revoke queue, soonest first; empty on other replicas.</summary>
    private readonly SortedSet<(long DueMs, long Id)> _revokeQueue = [];

    public Lessor(long minTtlSeconds)
    {
        Invariant.Check(minTtlSeconds > 0, "the minimum lease TTL is positive");
        MinTtlSeconds = minTtlSeconds;
    }

    /// <summary>Every grant is raised to at least this TTL.</summary>
    public long MinTtlSeconds { get; }

    /// <summary>Whether this replica is the leader and keeps expiry times.</summary>
    public bool IsPrimary { get; private set; }

    public int Count => _leases.Count;

    /// <summary>
    /// etcd's minimum lease TTL, ceil(1.5 × election timeout) in seconds, so that a lease outlives the
    /// election that a leader failure costs.
    /// </summary>
    public static long MinTtlSecondsFor(long electionTimeoutMs)
    {
        Invariant.Check(electionTimeoutMs > 0, "the election timeout is positive");
        return (3 * electionTimeoutMs + 1999) / 2000;
    }

    public bool Exists(long leaseId) => _leases.ContainsKey(leaseId);

    /// <summary>The lease a key is attached to, 0 for none.</summary>
    public long LeaseOf(ByteString key) => _leaseOfKey.TryGetValue(key, out var lease) ? lease.Id : 0;

    /// <summary>
    /// A positive id not in use, for a grant that left the choice to the server. The proposer draws
    /// <paramref name="randomBits"/> and puts the id in the command, so every replica applies the same id;
    /// a grant racing for the same id in the log gets <see cref="LeaseError.LeaseExists"/>.
    /// </summary>
    public long UnusedId(ulong randomBits)
    {
        var id = (long)(randomBits & long.MaxValue);
        while (id == 0 || _leases.ContainsKey(id))
        {
            id = id == long.MaxValue ? 1 : id + 1;
        }
        return id;
    }

    /// <summary>
    /// Applies a committed grant. Checks in etcd's order: id 0 (NotFound; the proposer chooses ids), TTL
    /// too large, id in use. A TTL below the minimum, 0 and negatives included, is raised to it.
    /// <paramref name="nowMs"/> only starts the countdown on the leader.
    /// </summary>
    public LeaseResult<GrantedLease> Grant(long leaseId, long ttlSeconds, long nowMs)
    {
        if (leaseId == 0)
        {
            return LeaseError.NotFound;
        }
        if (ttlSeconds > MaxTtlSeconds)
        {
            return LeaseError.TooLargeTtl;
        }
        if (_leases.ContainsKey(leaseId))
        {
            return LeaseError.LeaseExists;
        }
        var lease = new Lease(leaseId, Math.Max(ttlSeconds, MinTtlSeconds));
        _leases.Add(leaseId, lease);
        if (IsPrimary)
        {
            Renew(lease, nowMs);
        }
        return new GrantedLease(lease.Id, lease.TtlSeconds);
    }

    /// <summary>
    /// Applies a committed revoke: removes the lease and hands back its keys. The caller deletes them in
    /// the same apply with <see cref="RevokedLease.DeleteKeysTxn"/>, so they vanish in one revision.
    /// </summary>
    public LeaseResult<RevokedLease> Revoke(long leaseId)
    {
        if (!_leases.Remove(leaseId, out var lease))
        {
            return LeaseError.NotFound;
        }
        foreach (var key in lease.Keys)
        {
            _leaseOfKey.Remove(key);
        }
        _revokeQueue.Remove((lease.RevokeDueMs, lease.Id));
        return new RevokedLease(lease.Id, [.. lease.Keys]);
    }

    /// <summary>
    /// Follows the events of one applied write (put, delete range, txn, or a revoke's deletes), in order:
    /// a put attaches its key to the put's lease, moving it from any other, a put with lease 0 or a delete
    /// detaches it. A put keeping its lease (ignore_lease) leaves it where it was.
    /// </summary>
    public void ApplyWrite(IEnumerable<Event> events)
    {
        foreach (var change in events)
        {
            var key = change.Kv.Key;
            var leaseId = change.Type == Event.Types.EventType.Put ? change.Kv.Lease : 0;
            var current = _leaseOfKey.GetValueOrDefault(key);
            if (current?.Id == leaseId)
            {
                continue;
            }
            if (current is not null)
            {
                current.Keys.Remove(key);
                _leaseOfKey.Remove(key);
            }
            if (leaseId != 0)
            {
                // The store refused puts naming unknown leases, and a revoke deletes its keys before the next write.
                Invariant.Check(_leases.TryGetValue(leaseId, out var lease), $"a put attached a key to unknown lease {leaseId}");
                lease.Keys.Add(key);
                _leaseOfKey.Add(key, lease);
            }
        }
    }

    /// <summary>
    /// This replica became the leader: every lease's countdown restarts from its full TTL plus
    /// <paramref name="extendMs"/> (one election timeout in etcd), so no lease expires early because the
    /// previous leader's clock was lost.
    /// </summary>
    public void Promote(long nowMs, long extendMs)
    {
        Invariant.Check(extendMs >= 0, "the promotion extension is not negative");
        IsPrimary = true;
        _revokeQueue.Clear();
        foreach (var lease in _leases.Values)
        {
            Renew(lease, nowMs + extendMs);
        }
    }

    /// <summary>This replica is no longer the leader: expiry times are dropped until the next promotion.</summary>
    public void Demote()
    {
        IsPrimary = false;
        _revokeQueue.Clear();
        foreach (var lease in _leases.Values)
        {
            lease.ExpiryMs = Lease.NeverMs;
            lease.RevokeDueMs = Lease.NeverMs;
        }
    }

    /// <summary>Restarts a lease's countdown from its granted TTL and returns that TTL.</summary>
    public LeaseResult<long> KeepAlive(long leaseId, long nowMs)
    {
        if (!IsPrimary)
        {
            return LeaseError.NotPrimary;
        }
        if (!_leases.TryGetValue(leaseId, out var lease))
        {
            return LeaseError.NotFound;
        }
        if (lease.ExpiryMs <= nowMs)
        {
            return LeaseError.Expired;
        }
        _revokeQueue.Remove((lease.RevokeDueMs, lease.Id));
        Renew(lease, nowMs);
        return lease.TtlSeconds;
    }

    public LeaseResult<LeaseTimeToLive> TimeToLive(long leaseId, long nowMs)
    {
        if (!IsPrimary)
        {
            return LeaseError.NotPrimary;
        }
        if (!_leases.TryGetValue(leaseId, out var lease))
        {
            return LeaseError.NotFound;
        }
        var remainingSeconds = Math.Max(0, lease.ExpiryMs - nowMs) / 1000;
        return new LeaseTimeToLive(lease.Id, remainingSeconds, lease.TtlSeconds, [.. lease.Keys]);
    }

    /// <summary>Every lease id, soonest expiry first (ties, and every lease off the leader, by id).</summary>
    public IReadOnlyList<long> Leases()
    {
        var leases = _leases.Values.ToList();
        leases.Sort(static (a, b) => a.ExpiryMs != b.ExpiryMs ? a.ExpiryMs.CompareTo(b.ExpiryMs) : a.Id.CompareTo(b.Id));
        return leases.ConvertAll(static lease => lease.Id);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> leases whose time is up, longest overdue first, for the leader to
    /// revoke through Raft. Each one reported is held back for <see cref="RevokeRetryMs"/>, so a pending
    /// revoke is not proposed twice but one lost with its proposal is retried. Empty off the leader.
    /// </summary>
    public IReadOnlyList<long> ExpiredAt(long nowMs, int limit)
    {
        var expired = new List<long>();
        foreach (var (dueMs, id) in _revokeQueue)
        {
            if (dueMs > nowMs || expired.Count == limit)
            {
                break;
            }
            expired.Add(id);
        }
        foreach (var id in expired)
        {
            var lease = _leases[id];
            _revokeQueue.Remove((lease.RevokeDueMs, id));
            Schedule(lease, nowMs + RevokeRetryMs);
        }
        return expired;
    }

    /// <summary>Writes the replicated state: every lease with its TTL and keys; see <see cref="Restore"/>.</summary>
    public void WriteSnapshot(Stream destination) => LessorSnapshot.Write(_leases.Values, destination);

    /// <summary>A lessor with the snapshot's leases, not the leader: nothing expires before <see cref="Promote"/>.</summary>
    public static Lessor Restore(Stream source, long minTtlSeconds)
    {
        var lessor = new Lessor(minTtlSeconds);
        foreach (var lease in LessorSnapshot.Read(source))
        {
            lessor._leases.Add(lease.Id, lease);
            foreach (var key in lease.Keys)
            {
                if (!lessor._leaseOfKey.TryAdd(key, lease))
                {
                    throw new InvalidDataException("A key is attached to two leases in the lease snapshot.");
                }
            }
        }
        return lessor;
    }

    private void Renew(Lease lease, long fromMs)
    {
        lease.ExpiryMs = fromMs + lease.TtlMs;
        Schedule(lease, lease.ExpiryMs);
    }

    private void Schedule(Lease lease, long dueMs)
    {
        lease.RevokeDueMs = dueMs;
        _revokeQueue.Add((dueMs, lease.Id));
    }
}
