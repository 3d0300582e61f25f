using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Testing.Postgres;

namespace GrainKv.IntegrationTests.Storage;

/// <summary>
/// Silos of a cluster without a membership table learn from each other which PostgreSQL server holds their Raft
/// logs, and warn about the members that share theirs: allowed for development, a single point of failure otherwise.
/// </summary>
public sealed class SharedStorageWarningTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoOfThreeSilosOnOneServer_TheTwoWarnOfEachOther_TheThirdSaysNoneShares()
    {
        await using var alone = await PostgresServer.StartAsync();
        await using var shared = await PostgresServer.StartAsync();
        // GrainKvCluster names its members infra1..infraN.
        var stores = new Dictionary<string, string>
        {
            ["infra1"] = await alone.CreateDatabaseAsync("infra1"),
            ["infra2"] = await shared.CreateDatabaseAsync("infra2"),
            ["infra3"] = await shared.CreateDatabaseAsync("infra3"),
        };
        using var cluster = await GrainKvCluster.StartAsync(extraArguments: member => ["--storage", "postgres", "--postgres-connection", stores[member.Name]]);
        var (infra1, infra2, infra3) = (cluster.Members[0].Process!, cluster.Members[1].Process!, cluster.Members[2].Process!);

        await infra2.WaitForOutputAsync("Members infra3 keep their Raft logs on the same PostgreSQL server as this silo", Patience);
        await infra3.WaitForOutputAsync("Members infra2 keep their Raft logs on the same PostgreSQL server as this silo", Patience);
        await infra1.WaitForOutputAsync("No other member keeps its Raft logs on this silo's PostgreSQL server", Patience);
        Assert.DoesNotContain("keep their Raft logs on the same PostgreSQL server", infra1.Output);
    }
}
