using GrainKv.Runtime.Grpc;

namespace GrainKv.Runtime.Tests.Grpc;

public sealed class GrpcTimeoutTests
{
    public static TheoryData<string, long> ValidTimeouts => new()
    {
        { "2H", 2 * TimeSpan.TicksPerHour },
        { "3M", 3 * TimeSpan.TicksPerMinute },
        { "5S", 5 * TimeSpan.TicksPerSecond },
        { "250m", 250 * TimeSpan.TicksPerMillisecond },
        { "1998005u", 19_980_050 },
        { "1000n", 10 },
        { "1n", 1 },                  // rounded up: a positive timeout never reads as zero
        { "0S", 0 },
        { "99999999H", 99_999_999 * TimeSpan.TicksPerHour },
    };

    [Theory, MemberData(nameof(ValidTimeouts))]
    public void TryParse_ValidValue_ReturnsTimeout(string value, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout, out var error), error);
        Assert.Equal(TimeSpan.FromTicks(expectedTicks), timeout);
    }

    [Theory]
    [InlineData("", "transport: timeout string is too short: \"\"")]
    [InlineData("S", "transport: timeout string is too short: \"S\"")]
    [InlineData("123456789S", "transport: timeout string is too long: \"123456789S\"")]
    [InlineData("10s", "transport: timeout unit is not recognized: \"10s\"")]
    [InlineData("10", "transport: timeout unit is not recognized: \"10\"")]
    [InlineData("1a0S", "strconv.ParseInt: parsing \"1a0\": invalid syntax")]
    [InlineData("-1S", "strconv.ParseInt: parsing \"-1\": invalid syntax")]
    public void TryParse_BadValue_ReturnsGrpcGoError(string value, string expectedError)
    {
        Assert.False(GrpcTimeout.TryParse(value, out _, out var error));
        Assert.Equal(expectedError, error);
    }

    [Theory]
    [InlineData(0L, "0n")]
    [InlineData(10L, "1000n")]
    [InlineData(5 * TimeSpan.TicksPerMillisecond, "5000000n")]
    [InlineData(2 * TimeSpan.TicksPerSecond, "2000000u")]
    [InlineData(200 * TimeSpan.TicksPerSecond, "200000m")]
    [InlineData(200_000 * TimeSpan.TicksPerSecond, "200000S")]
    [InlineData(-5L, "0n")]
    [InlineData(long.MaxValue, "99999999H")]
    public void Format_Timeout_UsesFinestUnitThatFits(long ticks, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(123_456_789L)]
    [InlineData(7 * TimeSpan.TicksPerDay)]
    public void Format_ThenTryParse_NeverShortensTimeout(long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(GrpcTimeout.Format(TimeSpan.FromTicks(ticks)), out var parsed, out _));
        Assert.True(parsed.Ticks >= ticks);
    }
}
