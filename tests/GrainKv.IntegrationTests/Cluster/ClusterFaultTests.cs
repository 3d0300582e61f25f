using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Testing.Linearizability;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>
/// Three silo processes on SQLite under a continuous client load: the leader's silo is SIGKILLed
/// and restarted, then a follower's. Writes resume after each kill, every acknowledged write ends
/// up on every replica, the replicas converge to equal HashKV at one revision, and the clients'
/// history of put / get / compare-and-swap is linearizable.
/// </summary>
[Collection(TimedFaultCollection.Name)]
public sealed class ClusterFaultTests
{
    private static readonly TimeSpan ResumeWithin = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task KillLeaderThenFollower_UnderLoad_LosesNothingAndStaysLinearizable()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var load = new RegisterLoad(cluster.Members.Select(m => m.ClientUrl).ToArray());
        load.Start();

        await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(20));
        var leader = await cluster.LeaderAsync();
        cluster.Kill(leader);
        await load.WaitForWritesAsync(50, ResumeWithin, $"writes did not resume within {ResumeWithin} after killing leader {leader.Name}");
        await cluster.RestartAsync(leader);
        await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(20));

        var follower = cluster.Members.First(m => m != leader);
        if (follower == await cluster.LeaderAsync()) follower = cluster.Members.Last(m => m != leader && m != follower);
        cluster.Kill(follower);
        await load.WaitForWritesAsync(50, ResumeWithin, $"writes did not resume within {ResumeWithin} after killing follower {follower.Name}");
        await cluster.RestartAsync(follower);
        await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(20));

        await load.StopAsync();
        var revision = await cluster.ConvergedRevisionAsync();
        await load.AssertAcknowledgedOnEveryMemberAsync(cluster, revision);
        LinearizabilityChecker.Assert(load.History, "3-silo fault test");
    }

    /// <summary>
    /// Each member in turn, the first one included, SIGKILLed under writes and restarted: no member is special (the
    /// first is neither a seed nor group 0's home), writes resume within three election timeouts of each kill, and in
    /// the end every acknowledged write is on every replica and the replicas' HashKV agree.
    /// </summary>
    [Fact]
    public async Task EachMemberInTurn_KilledUnderWritesAndRestarted_WritesResumeWithinThreeElectionTimeouts()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var load = new RegisterLoad(cluster.Members.Select(m => m.ClientUrl).ToArray());
        load.Start();
        var resumeWithin = 3 * GrainKvCluster.ElectionTimeout;

        foreach (var member in cluster.Members)
        {
            await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(20));
            cluster.Kill(member);
            await load.WaitForWritesAsync(5, resumeWithin, $"writes did not resume within {resumeWithin.TotalMilliseconds} ms after killing {member.Name}");
            await cluster.RestartAsync(member);
        }
        await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(20));

        await load.StopAsync();
        var revision = await cluster.ConvergedRevisionAsync();
        await load.AssertAcknowledgedOnEveryMemberAsync(cluster, revision);
        LinearizabilityChecker.Assert(load.History, "3-silo kill-each-in-turn test");
    }
}
