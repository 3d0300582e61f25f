using Etcdserverpb;
using Mvccpb;
using static GrainKv.Leases.Tests.LeasedShard;

namespace GrainKv.Leases.Tests;

public class GrantRevokeTests
{
    [Theory]
    [InlineData(1000, 2)]
    [InlineData(1001, 2)]
    [InlineData(1334, 3)]
    [InlineData(2000, 3)]
    [InlineData(100, 1)]
    public void MinTtlSecondsFor_ElectionTimeout_IsCeilingOfOneAndAHalfTimes(long electionTimeoutMs, long expected)
    {
        Assert.Equal(expected, Lessor.MinTtlSecondsFor(electionTimeoutMs));
    }

    [Theory]
    [InlineData(7, 5, LeaseError.None, 5)]
    [InlineData(7, 2, LeaseError.None, 2)]
    [InlineData(7, 1, LeaseError.None, 2)]
    [InlineData(7, 0, LeaseError.None, 2)]
    [InlineData(7, -5, LeaseError.None, 2)]
    [InlineData(7, 9_000_000_000, LeaseError.None, 9_000_000_000)]
    [InlineData(7, 9_000_000_001, LeaseError.TooLargeTtl, 0)]
    [InlineData(-7, 5, LeaseError.None, 5)]
    [InlineData(0, 5, LeaseError.NotFound, 0)]
    public void Grant_OnEmptyTable_GrantsOrFails(long id, long ttlSeconds, LeaseError error, long grantedTtlSeconds)
    {
        var lessor = new Lessor(minTtlSeconds: 2);

        var granted = lessor.Grant(id, ttlSeconds, nowMs: 0);

        Assert.Equal(error, granted.Error);
        if (error == LeaseError.None)
        {
            Assert.Equal(new GrantedLease(id, grantedTtlSeconds), granted.Value);
        }
        Assert.Equal(error == LeaseError.None, lessor.Exists(id));
    }

    [Theory]
    [InlineData(60, LeaseError.LeaseExists)]
    [InlineData(9_000_000_001, LeaseError.TooLargeTtl)]
    public void Grant_ExistingId_FailsAndKeepsTheFirstLease(long ttlSeconds, LeaseError error)
    {
        var lessor = new Lessor(minTtlSeconds: 2);
        lessor.Grant(7, 10, nowMs: 0);

        Assert.Equal(error, lessor.Grant(7, ttlSeconds, nowMs: 0).Error);

        Assert.Equal(1, lessor.Count);
        lessor.Promote(nowMs: 0, extendMs: 0);
        Assert.Equal(10, lessor.TimeToLive(7, nowMs: 0).Value.GrantedTtlSeconds);
    }

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(5UL, 5)]
    [InlineData(ulong.MaxValue, long.MaxValue)]
    [InlineData(1UL << 63, 1)]
    public void UnusedId_FreeCandidate_IsThePositiveCandidate(ulong randomBits, long expected)
    {
        Assert.Equal(expected, new Lessor(minTtlSeconds: 2).UnusedId(randomBits));
    }

    [Fact]
    public void UnusedId_CandidateInUse_SkipsToTheNextFreeIdWrappingToOne()
    {
        var lessor = new Lessor(minTtlSeconds: 2);
        lessor.Grant(long.MaxValue, 5, nowMs: 0);
        lessor.Grant(1, 5, nowMs: 0);
        lessor.Grant(2, 5, nowMs: 0);

        Assert.Equal(3, lessor.UnusedId(ulong.MaxValue));
    }

    [Fact]
    public void Revoke_UnknownLease_ReturnsNotFound()
    {
        var lessor = new Lessor(minTtlSeconds: 2);
        lessor.Grant(7, 5, nowMs: 0);

        Assert.Equal(LeaseError.NotFound, lessor.Revoke(8).Error);
        Assert.True(lessor.Revoke(7).IsOk);
        Assert.Equal(LeaseError.NotFound, lessor.Revoke(7).Error);
    }

    [Fact]
    public void Revoke_LeaseWithKeys_ReturnsKeysInKeyOrderAndForgetsThem()
    {
        var shard = new LeasedShard();
        shard.Lessor.Grant(7, 5, nowMs: 0);
        foreach (var key in new[] { "b", "a", "c/1", "\u00ff" })
        {
            shard.Put(key, lease: 7);
        }

        var revoked = shard.Lessor.Revoke(7).Value;

        Assert.Equal(["a", "b", "c/1", "\u00ff"], revoked.Keys.Select(k => k.ToStringUtf8()));
        Assert.False(shard.Lessor.Exists(7));
        Assert.Equal(0, shard.LeaseOf("a"));
    }

    [Fact]
    public void Revoke_AppliedWithItsDeleteTxn_DeletesAllKeysInOneRevisionInKeyOrder()
    {
        var shard = new LeasedShard();
        shard.Lessor.Grant(7, 5, nowMs: 0);
        shard.Put("z", lease: 7);
        shard.Put("m", lease: 7);
        shard.Put("other");
        var before = shard.Store.Revision;

        shard.Revoke(7);

        Assert.Equal(before + 1, shard.Store.Revision);
        var events = shard.Store.ChangesFrom(before + 1).Value;
        Assert.All(events, e => Assert.Equal(Event.Types.EventType.Delete, e.Type));
        Assert.Equal(["m", "z"], events.Select(e => e.Kv.Key.ToStringUtf8()));
        Assert.True(shard.IsLive("other"));
    }

    [Fact]
    public void Revoke_LeaseWithoutKeys_CreatesNoRevision()
    {
        var shard = new LeasedShard();
        shard.Lessor.Grant(7, 5, nowMs: 0);
        var before = shard.Store.Revision;

        shard.Revoke(7);

        Assert.Equal(before, shard.Store.Revision);
    }

    [Fact]
    public void Put_WithRevokedLease_IsRefusedByTheStore()
    {
        var shard = new LeasedShard();
        shard.Lessor.Grant(7, 5, nowMs: 0);
        shard.Revoke(7);

        Assert.Equal(GrainKv.Mvcc.KvError.LeaseNotFound, shard.Put("a", lease: 7).Error);
        Assert.Equal(GrainKv.Mvcc.KvError.LeaseNotFound, shard.Store.Put(new PutRequest { Key = B("a"), Lease = 8 }).Error);
    }
}
