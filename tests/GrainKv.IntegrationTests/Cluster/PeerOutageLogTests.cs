using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>What an operator reads in a live silo's log while a peer is down: one warning when it goes, one when it is back.</summary>
public sealed class PeerOutageLogTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The leader heartbeats the killed follower every 50 ms, so it tries to reconnect all through the outage (its
    /// backoff reaches 2 s well within it); none of those attempts may add a warning or a stack trace to its log.
    /// </summary>
    [Fact]
    public async Task FollowerDownForSeconds_LeaderLogsOneWarningWhenItGoesAndOneWhenItIsBack()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var leader = await cluster.LeaderAsync();
        var follower = cluster.Members.First(m => m != leader);
        var before = leader.Process!.Output.Length;

        cluster.Kill(follower);
        await Task.Delay(TimeSpan.FromSeconds(6));
        await cluster.RestartAsync(follower);
        await leader.Process.WaitForOutputAsync($"Raft stream to silo {follower.Name} is back", Patience);

        var aboutPeer = leader.Process.Output[before..].Split('\n')
            .Where(line => line.Contains($"silo {follower.Name}", StringComparison.Ordinal)).ToList();
        var outage = string.Join('\n', aboutPeer);
        Assert.True(aboutPeer.Count(line => line.Contains("warn:", StringComparison.Ordinal) && line.Contains("is lost", StringComparison.Ordinal)) == 1,
            $"expected one 'is lost' warning about {follower.Name}:\n{outage}");
        Assert.True(aboutPeer.Count(line => line.Contains("warn:", StringComparison.Ordinal) && line.Contains("is back", StringComparison.Ordinal)) == 1,
            $"expected one 'is back' warning about {follower.Name}:\n{outage}");
        Assert.True(aboutPeer.Count == 2, $"expected nothing else about {follower.Name} at the default log level:\n{outage}");
        Assert.DoesNotContain("Exception", outage, StringComparison.Ordinal);
    }
}
