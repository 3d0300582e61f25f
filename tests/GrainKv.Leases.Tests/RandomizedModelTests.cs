using GrainKv.Mvcc;

namespace GrainKv.Leases.Tests;

public class RandomizedModelTests
{
    private const long MinTtlSeconds = 2;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(2024)]
    public void Lessor_RandomOperations_MatchModel(int seed)
    {
        var random = new Random(seed);
        var shard = new LeasedShard(MinTtlSeconds);
        var model = new Model();
        long nowMs = 0;
        long RandomId() => random.Next(9);
        string RandomKey() => $"k{random.Next(10)}";

        for (var step = 0; step < 3_000; step++)
        {
            var context = $"seed={seed} step={step}";
            nowMs += random.Next(4) == 0 ? random.Next(4_000) : random.Next(200);
            switch (random.Next(12))
            {
                case 0:
                {
                    var (id, ttl) = (RandomId(), (long)random.Next(-2, 9));
                    Assert.True(model.Grant(id, ttl, nowMs) == shard.Lessor.Grant(id, ttl, nowMs).Error, context);
                    break;
                }
                case 1:
                {
                    var id = RandomId();
                    var expected = model.Revoke(id);
                    var revoked = shard.Revoke(id);
                    Assert.True(expected is null ? revoked.Error == LeaseError.NotFound : expected.SequenceEqual(revoked.Value.Keys.Select(k => k.ToStringUtf8())), context);
                    break;
                }
                case < 5:
                {
                    var (key, id) = (RandomKey(), random.Next(3) == 0 ? 0 : RandomId());
                    var put = shard.Put(key, id);
                    Assert.True(put.IsOk == (id == 0 || model.Leases.ContainsKey(id)), context);
                    if (put.IsOk)
                    {
                        model.Attach(key, id);
                    }
                    break;
                }
                case 5:
                {
                    var key = RandomKey();
                    shard.Delete(key);
                    model.Attach(key, 0);
                    break;
                }
                case 6:
                {
                    var id = RandomId();
                    var actual = shard.Lessor.KeepAlive(id, nowMs);
                    var expected = model.KeepAlive(id, nowMs);
                    Assert.True(expected == actual.Error, $"{context}: {expected} vs {actual}");
                    Assert.True(!actual.IsOk || actual.Value == model.Leases[id].TtlSeconds, context);
                    break;
                }
                case 7:
                {
                    var id = RandomId();
                    var actual = shard.Lessor.TimeToLive(id, nowMs);
                    var expected = model.TimeToLive(id, nowMs);
                    Assert.True(expected.Error == actual.Error, context);
                    Assert.True(!actual.IsOk || (actual.Value.RemainingSeconds, actual.Value.GrantedTtlSeconds) == expected.Value, $"{context}: {actual}");
                    break;
                }
                case 8:
                {
                    var limit = random.Next(1, 4);
                    Assert.True(model.ExpiredAt(nowMs, limit).SequenceEqual(shard.Lessor.ExpiredAt(nowMs, limit)), context);
                    break;
                }
                case 9:
                {
                    if (random.Next(2) == 0)
                    {
                        var extendMs = random.Next(2_000);
                        shard.Lessor.Promote(nowMs, extendMs);
                        model.Promote(nowMs, extendMs);
                    }
                    else
                    {
                        shard.Lessor.Demote();
                        model.Demote();
                    }
                    break;
                }
                case 10:
                {
                    if (random.Next(10) == 0)
                    {
                        shard = shard.Restored();
                        model.Demote();
                    }
                    break;
                }
                default:
                    Assert.True(model.SortedIds().SequenceEqual(shard.Lessor.Leases()), context);
                    break;
            }
            for (var k = 0; k < 10; k++)
            {
                Assert.True(model.LeaseOfKey.GetValueOrDefault($"k{k}") == shard.LeaseOf($"k{k}"), $"{context} k{k}");
            }
            Assert.True(model.Leases.Count == shard.Lessor.Count, context);
        }
    }

    /// <summary>The lease semantics written the plain way: lists scanned and sorted on every call.</summary>
    private sealed class Model
    {
        public sealed class ModelLease(long ttlSeconds)
        {
            public long TtlSeconds { get; } = ttlSeconds;
            public long ExpiryMs { get; set; } = long.MaxValue;
            public long DueMs { get; set; } = long.MaxValue;
        }

        private bool _primary;

        public Dictionary<long, ModelLease> Leases { get; } = [];

        public Dictionary<string, long> LeaseOfKey { get; } = [];

        public LeaseError Grant(long id, long ttlSeconds, long nowMs)
        {
            if (id == 0) return LeaseError.NotFound;
            if (Leases.ContainsKey(id)) return LeaseError.LeaseExists;
            var lease = new ModelLease(Math.Max(ttlSeconds, MinTtlSeconds));
            Leases[id] = lease;
            if (_primary) Renew(lease, nowMs);
            return LeaseError.None;
        }

        public List<string>? Revoke(long id)
        {
            if (!Leases.Remove(id)) return null;
            var keys = LeaseOfKey.Where(p => p.Value == id).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
            keys.ForEach(key => LeaseOfKey.Remove(key));
            return keys;
        }

        public void Attach(string key, long id)
        {
            if (id == 0) LeaseOfKey.Remove(key);
            else LeaseOfKey[key] = id;
        }

        public LeaseError KeepAlive(long id, long nowMs)
        {
            if (!_primary) return LeaseError.NotPrimary;
            if (!Leases.TryGetValue(id, out var lease)) return LeaseError.NotFound;
            if (lease.ExpiryMs <= nowMs) return LeaseError.Expired;
            Renew(lease, nowMs);
            return LeaseError.None;
        }

        public LeaseResult<(long, long)> TimeToLive(long id, long nowMs)
        {
            if (!_primary) return LeaseError.NotPrimary;
            if (!Leases.TryGetValue(id, out var lease)) return LeaseError.NotFound;
            return (Math.Max(0, lease.ExpiryMs - nowMs) / 1000, lease.TtlSeconds);
        }

        public List<long> ExpiredAt(long nowMs, int limit)
        {
            var expired = Leases.Where(p => p.Value.DueMs <= nowMs).OrderBy(p => p.Value.DueMs).ThenBy(p => p.Key).Take(limit).ToList();
            expired.ForEach(p => p.Value.DueMs = nowMs + Lessor.RevokeRetryMs);
            return expired.ConvertAll(p => p.Key);
        }

        public IEnumerable<long> SortedIds() => Leases.OrderBy(p => p.Value.ExpiryMs).ThenBy(p => p.Key).Select(p => p.Key);

        public void Promote(long nowMs, long extendMs)
        {
            _primary = true;
            foreach (var lease in Leases.Values) Renew(lease, nowMs + extendMs);
        }

        public void Demote()
        {
            _primary = false;
            foreach (var lease in Leases.Values) lease.ExpiryMs = lease.DueMs = long.MaxValue;
        }

        private static void Renew(ModelLease lease, long fromMs) => lease.ExpiryMs = lease.DueMs = fromMs + lease.TtlSeconds * 1000;
    }
}
