namespace GrainKv.Leases.Tests;

public class ExpiryTests
{
    private readonly Lessor _lessor = new(minTtlSeconds: 2);

    [Fact]
    public void OffTheLeader_TimeQueries_ReturnNotPrimaryAndNothingExpires()
    {
        _lessor.Grant(7, 2, nowMs: 0);

        Assert.Equal(LeaseError.NotPrimary, _lessor.KeepAlive(7, nowMs: 1_000).Error);
        Assert.Equal(LeaseError.NotPrimary, _lessor.TimeToLive(7, nowMs: 1_000).Error);
        Assert.Empty(_lessor.ExpiredAt(nowMs: long.MaxValue - 1, limit: 10));
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 1)]
    [InlineData(999, 1)]
    [InlineData(1_000, 1)]
    [InlineData(1_001, 0)]
    [InlineData(2_000, 0)]
    [InlineData(5_000, 0)]
    public void TimeToLive_GrantedTwoSecondsAtOneSecond_TruncatesRemainingSeconds(long elapsedMs, long remainingSeconds)
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);
        _lessor.Grant(7, 2, nowMs: 1_000);

        var ttl = _lessor.TimeToLive(7, nowMs: 1_000 + elapsedMs).Value;

        Assert.Equal(new[] { remainingSeconds, 2 }, new[] { ttl.RemainingSeconds, ttl.GrantedTtlSeconds });
    }

    [Fact]
    public void TimeToLive_UnknownLease_ReturnsNotFound()
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);

        Assert.Equal(LeaseError.NotFound, _lessor.TimeToLive(7, nowMs: 0).Error);
    }

    [Theory]
    [InlineData(1_999, 9)]
    [InlineData(2_000, 0)]
    public void ExpiredAt_GrantedTwoSeconds_ExpiresAtExactlyTheTtl(long nowMs, long stillLive)
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);
        _lessor.Grant(7, 2, nowMs: 0);
        _lessor.Grant(9, 3, nowMs: 0);

        var expired = _lessor.ExpiredAt(nowMs, limit: 10);

        Assert.Equal(stillLive == 0 ? [7L] : [], expired);
    }

    [Fact]
    public void ExpiredAt_ManyExpired_ReturnsOldestFirstUpToTheLimit()
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);
        _lessor.Grant(1, 5, nowMs: 0);
        _lessor.Grant(2, 3, nowMs: 0);
        _lessor.Grant(3, 4, nowMs: 0);
        _lessor.Grant(4, 2, nowMs: 1_000);
        _lessor.Grant(5, 60, nowMs: 0);

        Assert.Equal([2L, 4L], _lessor.ExpiredAt(nowMs: 10_000, limit: 2));
        Assert.Equal([3L, 1L], _lessor.ExpiredAt(nowMs: 10_000, limit: 2));
        Assert.Empty(_lessor.ExpiredAt(nowMs: 10_000, limit: 2));
    }

    [Fact]
    public void ExpiredAt_RevokeNotAppliedInTime_ReportsTheLeaseAgainAfterTheRetryInterval()
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);
        _lessor.Grant(7, 2, nowMs: 0);
        Assert.Equal([7L], _lessor.ExpiredAt(nowMs: 2_000, limit: 10));

        Assert.Empty(_lessor.ExpiredAt(nowMs: 2_000 + Lessor.RevokeRetryMs - 1, limit: 10));
        Assert.Equal([7L], _lessor.ExpiredAt(nowMs: 2_000 + Lessor.RevokeRetryMs, limit: 10));
    }

    [Fact]
    public void ExpiredAt_AfterRevoke_NeverReportsTheLease()
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);
        _lessor.Grant(7, 2, nowMs: 0);
        _lessor.ExpiredAt(nowMs: 2_000, limit: 10);

        _lessor.Revoke(7);

        Assert.Empty(_lessor.ExpiredAt(nowMs: 100_000, limit: 10));
    }

    [Fact]
    public void KeepAlive_BeforeExpiry_RestartsTheCountdownAndReturnsTheGrantedTtl()
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);
        _lessor.Grant(7, 2, nowMs: 0);

        Assert.Equal(2, _lessor.KeepAlive(7, nowMs: 1_500).Value);

        Assert.Empty(_lessor.ExpiredAt(nowMs: 3_499, limit: 10));
        Assert.Equal(1, _lessor.TimeToLive(7, nowMs: 2_000).Value.RemainingSeconds);
        Assert.Equal([7L], _lessor.ExpiredAt(nowMs: 3_500, limit: 10));
    }

    [Fact]
    public void KeepAlive_AfterExpiry_ReturnsExpiredAndDoesNotRenew()
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);
        _lessor.Grant(7, 2, nowMs: 0);

        Assert.Equal(LeaseError.Expired, _lessor.KeepAlive(7, nowMs: 2_000).Error);

        Assert.Equal([7L], _lessor.ExpiredAt(nowMs: 2_000, limit: 10));
    }

    [Fact]
    public void KeepAlive_UnknownLease_ReturnsNotFound()
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);

        Assert.Equal(LeaseError.NotFound, _lessor.KeepAlive(7, nowMs: 0).Error);
    }

    [Fact]
    public void Promote_AfterLeaderChange_RenewsEveryLeaseFromItsFullTtlPlusTheExtension()
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);
        _lessor.Grant(7, 2, nowMs: 0);
        _lessor.Grant(8, 10, nowMs: 0);
        _lessor.Demote();

        _lessor.Promote(nowMs: 1_900, extendMs: 1_000);

        Assert.Empty(_lessor.ExpiredAt(nowMs: 4_899, limit: 10));
        Assert.Equal(3, _lessor.TimeToLive(7, nowMs: 1_900).Value.RemainingSeconds);
        Assert.Equal([7L], _lessor.ExpiredAt(nowMs: 4_900, limit: 10));
        _lessor.Revoke(7);
        Assert.Empty(_lessor.ExpiredAt(nowMs: 12_899, limit: 10));
        Assert.Equal([8L], _lessor.ExpiredAt(nowMs: 12_900, limit: 10));
    }

    [Fact]
    public void Demote_WithOverdueLeases_ReportsNothingUntilPromotedAgain()
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);
        _lessor.Grant(7, 2, nowMs: 0);

        _lessor.Demote();

        Assert.False(_lessor.IsPrimary);
        Assert.Empty(_lessor.ExpiredAt(nowMs: 10_000, limit: 10));
        _lessor.Promote(nowMs: 10_000, extendMs: 0);
        Assert.Equal([7L], _lessor.ExpiredAt(nowMs: 12_000, limit: 10));
    }

    [Fact]
    public void Grant_OnTheLeader_StartsTheCountdownAtTheApplyTime()
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);

        _lessor.Grant(7, 2, nowMs: 5_000);

        Assert.Empty(_lessor.ExpiredAt(nowMs: 6_999, limit: 10));
        Assert.Equal([7L], _lessor.ExpiredAt(nowMs: 7_000, limit: 10));
    }

    [Fact]
    public void Leases_OnTheLeader_AreSortedBySoonestExpiryThenId()
    {
        _lessor.Promote(nowMs: 0, extendMs: 0);
        _lessor.Grant(3, 10, nowMs: 0);
        _lessor.Grant(1, 20, nowMs: 0);
        _lessor.Grant(4, 5, nowMs: 0);
        _lessor.Grant(2, 5, nowMs: 0);
        _lessor.KeepAlive(4, nowMs: 1_000);

        Assert.Equal([2L, 4L, 3L, 1L], _lessor.Leases());
    }

    [Fact]
    public void Leases_OffTheLeader_AreSortedById()
    {
        _lessor.Grant(3, 10, nowMs: 0);
        _lessor.Grant(1, 20, nowMs: 0);
        _lessor.Grant(2, 5, nowMs: 0);

        Assert.Equal([1L, 2L, 3L], _lessor.Leases());
    }
}
