using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Sharding;

/// <summary>The shard map is the cluster's, in group 0: a member restarted with flags that describe another is stopped.</summary>
public sealed class ShardMapFlagsTests
{
    [Fact]
    public async Task Restart_WithAnotherShardCount_IsStoppedNamingTheClustersMap()
    {
        using var server = await GrainKvServer.StartAsync("--initial-shards", "2");
        using (var client = new EtcdClient(server.ClientUrl)) await client.PutAsync("a", "1");

        var relaunched = server.KillAndRelaunchWith("--initial-shards", "3");
        await relaunched.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, relaunched.ExitCode);
        Assert.Contains("flags describe a shard map of 3 shards", relaunched.Output);
        Assert.Contains("the cluster's, version 1, has 2", relaunched.Output);
    }
}
