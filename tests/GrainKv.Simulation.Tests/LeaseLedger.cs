using Google.Protobuf;
using GrainKv.Raft;
using GrainKv.Shard;
using Mvccpb;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// Every lease of a lock run as the cluster dealt with it: when its grant was first applied, each
/// renewal a replica answered with a positive TTL, when its revoke was first applied. Lock clients
/// never revoke, so every revoke is an expiry, and none may come before the last renewal plus the
/// TTL: a client counts its lease from the moment it asked, so a lease that expires early lets
/// two clients hold the lock.
/// </summary>
public sealed class LeaseLedger(SimulatedCluster cluster)
{
    private readonly Dictionary<long, LeaseRecord> _leases = [];

    /// <summary>Leases whose grant was applied and whose revoke was not (yet).</summary>
    public IEnumerable<long> Unrevoked => _leases.Where(l => l.Value.RevokedAtMs is null).Select(l => l.Key);

    public int Count => _leases.Count;

    /// <summary>Follows grants and revokes as a replica applies them; the first replica to apply one fixes its instant.</summary>
    public void OnApplied(IReadOnlyList<Entry> entries)
    {
        var now = cluster.Clock.NowMs;
        foreach (var entry in entries)
        {
            if (entry.Type != EntryType.EntryNormal || entry.Data.IsEmpty) continue;
            var command = ShardCommand.Parser.ParseFrom(entry.Data);
            switch (command.RequestCase)
            {
                case ShardCommand.RequestOneofCase.LeaseGrant:
                    _leases.TryAdd(command.LeaseGrant.ID, new LeaseRecord(command.LeaseGrant.TTL * 1000, now));
                    break;
                case ShardCommand.RequestOneofCase.LeaseRevoke when _leases.TryGetValue(command.LeaseRevoke.ID, out var lease) && lease.RevokedAtMs is null:
                    lease.RevokedAtMs = now;
                    var earlyMs = lease.RenewedAtMs + lease.TtlMs - now;
                    if (earlyMs > 0)
                        cluster.Fail($"lease {command.LeaseRevoke.ID:x} expired {earlyMs}ms early: revoked at {now}ms, renewed at {lease.RenewedAtMs}ms with a TTL of {lease.TtlMs}ms");
                    break;
            }
        }
    }

    /// <summary>A replica answered a request: a keep-alive with a positive TTL renewed the lease now.</summary>
    public void OnAnswered(ShardReply reply)
    {
        if (reply.ResponseCase != ShardReply.ResponseOneofCase.LeaseKeepAlive || reply.LeaseKeepAlive.TTL <= 0) return;
        var now = cluster.Clock.NowMs;
        var id = reply.LeaseKeepAlive.ID;
        if (!_leases.TryGetValue(id, out var lease)) cluster.Fail($"lease {id:x} was renewed at {now}ms before any replica applied its grant");
        if (lease.RevokedAtMs is { } revokedAtMs) cluster.Fail($"lease {id:x} was renewed at {now}ms after it was revoked at {revokedAtMs}ms");
        lease.RenewedAtMs = Math.Max(lease.RenewedAtMs, now);
    }

    /// <summary>The lease's holder sent the delete of its lock key: a lone delete of that key is its unlock, not part of a revoke.</summary>
    public void UnlockSent(long leaseId, ByteString lockKey)
    {
        if (_leases.TryGetValue(leaseId, out var lease)) lease.UnlockedKey = lockKey;
    }

    /// <summary>
    /// Replays the store's whole history (every event, oldest first): a revision that deletes a key
    /// attached to a lease deletes all of them, in one revision, unless it is the holder's own
    /// unlock of its lock key; and no key outlives the run.
    /// </summary>
    public void CheckKeysLeaveWithTheirLease(IReadOnlyList<Event> history)
    {
        var leaseOfKey = new Dictionary<ByteString, long>();
        var keysOfLease = new Dictionary<long, HashSet<ByteString>>();
        foreach (var revision in history.GroupBy(e => e.Kv.ModRevision))
        {
            var events = revision.ToList();
            var deletedByLease = events
                .Where(e => e.Type == Event.Types.EventType.Delete && leaseOfKey.ContainsKey(e.Kv.Key))
                .GroupBy(e => leaseOfKey[e.Kv.Key]);
            foreach (var deleted in deletedByLease)
            {
                var attached = keysOfLease[deleted.Key];
                if (attached.SetEquals(deleted.Select(e => e.Kv.Key))) continue;
                var isUnlock = events.Count == 1 && _leases.TryGetValue(deleted.Key, out var lease) && events[0].Kv.Key.Equals(lease.UnlockedKey);
                if (!isUnlock)
                    cluster.Fail($"revision {revision.Key} deleted {Keys(deleted.Select(e => e.Kv.Key))} of lease {deleted.Key:x}'s keys {Keys(attached)}: a revoke deletes them all at once");
            }
            foreach (var change in events)
            {
                var key = change.Kv.Key;
                if (leaseOfKey.Remove(key, out var previous)) keysOfLease[previous].Remove(key);
                if (change.Type != Event.Types.EventType.Put || change.Kv.Lease == 0) continue;
                leaseOfKey[key] = change.Kv.Lease;
                if (!keysOfLease.TryGetValue(change.Kv.Lease, out var keys)) keysOfLease[change.Kv.Lease] = keys = [];
                keys.Add(key);
            }
        }
        if (leaseOfKey.Count > 0) cluster.Fail($"keys outlived their leases: {Keys(leaseOfKey.Keys)}");
    }

    private static string Keys(IEnumerable<ByteString> keys) => $"[{string.Join(", ", keys.Select(k => k.ToStringUtf8()))}]";

    private sealed class LeaseRecord(long ttlMs, long grantedAtMs)
    {
        public long TtlMs { get; } = ttlMs;

        /// <summary>The grant's first apply, then the latest renewal: the lease may not expire before this plus its TTL.</summary>
        public long RenewedAtMs { get; set; } = grantedAtMs;

        public long? RevokedAtMs { get; set; }

        public ByteString? UnlockedKey { get; set; }
    }
}
