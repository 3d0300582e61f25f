using GrainKv.Grains.Compaction;

namespace GrainKv.Grains.Tests;

public sealed class AutoCompactionPolicyTests
{
    [Theory]
    [InlineData("1", 60 * 60)]
    [InlineData("0.5", 30 * 60)]
    [InlineData("30m", 30 * 60)]
    [InlineData("1h30m", 90 * 60)]
    [InlineData("10s", 10)]
    public void ParseDuration_EtcdForms_AreUnderstood(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), AutoCompactionPolicy.ParseDuration(text));

    [Theory]
    [InlineData("h")]
    [InlineData("10x")]
    [InlineData("m5")]
    public void ParseDuration_Garbage_Throws(string text) =>
        Assert.Throws<FormatException>(() => AutoCompactionPolicy.ParseDuration(text));

    [Theory]
    [InlineData("periodic", "0")]
    [InlineData("revision", "0")]
    public void Create_ZeroRetention_IsOff(string mode, string retention) =>
        Assert.Null(AutoCompactionPolicy.Create(mode, retention));

    [Fact]
    public void Revision_KeepsTheLastN_AndNeverCompactsBackwards()
    {
        var policy = AutoCompactionPolicy.Create("revision", "100")!;
        Assert.Null(policy.Observe(TimeSpan.Zero, 50));
        Assert.Equal(400, policy.Observe(TimeSpan.FromMinutes(5), 500));
        Assert.Null(policy.Observe(TimeSpan.FromMinutes(10), 500));
        Assert.Equal(401, policy.Observe(TimeSpan.FromMinutes(15), 501));
    }

    [Fact]
    public void Periodic_CompactsToTheRevisionOfOneRetentionAgo()
    {
        var policy = AutoCompactionPolicy.Create("periodic", "10m")!;
        Assert.Equal(TimeSpan.FromMinutes(1), policy.CheckInterval);
        for (var minute = 0; minute < 10; minute++)
        {
            Assert.Null(policy.Observe(TimeSpan.FromMinutes(minute), 100 + minute * 10));
        }
        Assert.Equal(100, policy.Observe(TimeSpan.FromMinutes(10), 200));
        Assert.Equal(110, policy.Observe(TimeSpan.FromMinutes(11), 210));
    }
}
