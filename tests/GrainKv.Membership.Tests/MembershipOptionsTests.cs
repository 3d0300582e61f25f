namespace GrainKv.Membership.Tests;

public sealed class MembershipOptionsTests
{
    [Theory]
    [InlineData(1000, 10_000)]
    [InlineData(100, 200)]
    public void Validated_DeathTimeoutOfTwoHeartbeatsOrMore_Accepted(int heartbeatMs, int deathTimeoutMs)
    {
        var options = new MembershipOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeatMs), DeathTimeout = TimeSpan.FromMilliseconds(deathTimeoutMs) };

        Assert.Same(options, options.Validated());
    }

    [Theory]
    [InlineData(1000, 1999, "at least two heartbeat intervals")]
    [InlineData(1000, 500, "at least two heartbeat intervals")]
    [InlineData(0, 10_000, "must be positive")]
    [InlineData(-5, 10_000, "must be positive")]
    public void Validated_TooShortDeathTimeoutOrNoHeartbeat_Refused(int heartbeatMs, int deathTimeoutMs, string reason)
    {
        var options = new MembershipOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeatMs), DeathTimeout = TimeSpan.FromMilliseconds(deathTimeoutMs) };

        var error = Assert.Throws<ArgumentException>(() => options.Validated());
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData(0, 3_600_000, "defunct expiration must be positive")]
    [InlineData(-1, 3_600_000, "defunct expiration must be positive")]
    [InlineData(604_800_000, 0, "defunct cleanup period must be positive")]
    public void Validated_NonPositiveDefunctExpirationOrCleanupPeriod_Refused(long expirationMs, long periodMs, string reason)
    {
        var options = new MembershipOptions
        {
            DefunctExpiration = TimeSpan.FromMilliseconds(expirationMs),
            DefunctCleanupPeriod = TimeSpan.FromMilliseconds(periodMs),
        };

        var error = Assert.Throws<ArgumentException>(() => options.Validated());
        Assert.Contains(reason, error.Message);
    }
}
