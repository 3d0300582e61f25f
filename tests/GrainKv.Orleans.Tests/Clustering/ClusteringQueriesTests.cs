using GrainKv.Orleans.Clustering;
using GrainKv.Testing.Postgres;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Orleans.Tests.Clustering;

/// <summary>
/// The statements in <c>orleansquery</c> against Orleans' membership contract: what each answers, when a conditional
/// write succeeds, and what it does to the table version.
/// </summary>
public sealed class ClusteringQueriesTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private const string Cluster = "cluster";
    private const int Active = 3;
    private const int Dead = 6;
    private static readonly DateTime Started = new(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

    private async Task<string> MigratedDatabaseAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new ClusteringSchemaMigrator(database, NullLogger<ClusteringSchemaMigrator>.Instance).EnsureAsync(CancellationToken.None);
        return database;
    }

    private static (string, object?)[] Key(int port, int generation = 1) =>
        [("DeploymentId", Cluster), ("Address", "10.0.0.1"), ("Port", port), ("Generation", generation)];

    private static Task<bool> InsertAsync(string database, int port, int version, int status = Active, int proxyPort = 0) =>
        StoredQuery.RunForBooleanAsync(database, "InsertMembershipKey",
        [
            .. Key(port), ("SiloName", $"silo-{port}"), ("HostName", "host"), ("Status", status), ("ProxyPort", proxyPort),
            ("StartTime", Started), ("IAmAliveTime", Started), ("Version", version),
        ]);

    private static Task<bool> UpdateAsync(string database, int port, int version, int status, string? suspectTimes, DateTime iAmAlive) =>
        StoredQuery.RunForBooleanAsync(database, "UpdateMembershipKey",
            [.. Key(port), ("Status", status), ("SuspectTimes", suspectTimes), ("IAmAliveTime", iAmAlive), ("Version", version)]);

    private static Task<List<Dictionary<string, object?>>> ReadAllAsync(string database) =>
        StoredQuery.RunAsync(database, "MembershipReadAllKey", ("DeploymentId", Cluster));

    [Fact]
    public async Task InsertMembershipVersion_FirstTimeTrueThenFalse_ReadAllAnswersTheVersionWithoutMembers()
    {
        var database = await MigratedDatabaseAsync();
        Assert.Empty(await ReadAllAsync(database));

        Assert.True(await StoredQuery.RunForBooleanAsync(database, "InsertMembershipVersionKey", ("DeploymentId", Cluster)));
        Assert.False(await StoredQuery.RunForBooleanAsync(database, "InsertMembershipVersionKey", ("DeploymentId", Cluster)));

        var row = Assert.Single(await ReadAllAsync(database));
        Assert.Equal(0, row["Version"]);
        Assert.Null(row["StartTime"]);
    }

    [Fact]
    public async Task InsertMembership_OnlyAtTheCurrentVersionAndOnlyOnce_EachSuccessRaisesTheVersion()
    {
        var database = await MigratedDatabaseAsync();
        await StoredQuery.RunAsync(database, "InsertMembershipVersionKey", ("DeploymentId", Cluster));

        Assert.True(await InsertAsync(database, 11111, version: 0));
        Assert.False(await InsertAsync(database, 22222, version: 0));   // stale etag
        Assert.False(await InsertAsync(database, 11111, version: 1));   // already a member
        Assert.True(await InsertAsync(database, 22222, version: 1));

        var rows = await ReadAllAsync(database);
        Assert.Equal([2, 2], rows.Select(r => r["Version"]));
        var first = rows.Single(r => (int)r["Port"]! == 11111);
        Assert.Equal(("10.0.0.1", 1, "silo-11111", "host", Active, 0), (first["Address"], first["Generation"], first["SiloName"], first["HostName"], first["Status"], first["ProxyPort"]));
        Assert.Equal((Started, Started), ((DateTime)first["StartTime"]!, (DateTime)first["IAmAliveTime"]!));
        Assert.Null(first["SuspectTimes"]);
    }

    [Fact]
    public async Task InsertMembership_FourAtTheSameVersion_ExactlyOneSucceeds()
    {
        var database = await MigratedDatabaseAsync();
        await StoredQuery.RunAsync(database, "InsertMembershipVersionKey", ("DeploymentId", Cluster));

        var inserted = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => InsertAsync(database, 30000 + i, version: 0))));

        Assert.Single(inserted, true);
        Assert.Equal(1, Assert.Single(await ReadAllAsync(database))["Version"]);
    }

    [Fact]
    public async Task UpdateMembership_AtTheCurrentVersion_WritesStatusSuspicionsAndAliveTimeAndRaisesTheVersion()
    {
        var database = await MigratedDatabaseAsync();
        await StoredQuery.RunAsync(database, "InsertMembershipVersionKey", ("DeploymentId", Cluster));
        await InsertAsync(database, 11111, version: 0);
        const string suspicions = "S10.0.0.2:22222:1|2026-12-01 10:00:05.000 GMT";
        var later = Started.AddSeconds(5);

        Assert.False(await UpdateAsync(database, 11111, version: 0, Dead, suspicions, later));  // stale etag
        Assert.False(await UpdateAsync(database, 33333, version: 1, Dead, suspicions, later));  // no such member
        Assert.True(await UpdateAsync(database, 11111, version: 1, Dead, suspicions, later));

        var row = Assert.Single(await StoredQuery.RunAsync(database, "MembershipReadRowKey", Key(11111)));
        Assert.Equal((2, Dead, suspicions, later), (row["Version"], row["Status"], row["SuspectTimes"], (DateTime)row["IAmAliveTime"]!));
    }

    [Fact]
    public async Task ReadRowAndIAmAlive_AnswerTheVersionWithOrWithoutTheMember_HeartbeatLeavesTheVersion()
    {
        var database = await MigratedDatabaseAsync();
        await StoredQuery.RunAsync(database, "InsertMembershipVersionKey", ("DeploymentId", Cluster));
        await InsertAsync(database, 11111, version: 0);
        var later = Started.AddSeconds(30);

        await StoredQuery.RunAsync(database, "UpdateIAmAlivetimeKey", [.. Key(11111), ("IAmAliveTime", later)]);

        var member = Assert.Single(await StoredQuery.RunAsync(database, "MembershipReadRowKey", Key(11111)));
        Assert.Equal((1, later), (member["Version"], (DateTime)member["IAmAliveTime"]!));
        var stranger = Assert.Single(await StoredQuery.RunAsync(database, "MembershipReadRowKey", Key(11111, generation: 2)));
        Assert.Equal((1, null), (stranger["Version"], stranger["StartTime"]));
    }

    [Fact]
    public async Task Gateways_ActiveSilosWithAProxyPortOnly()
    {
        var database = await MigratedDatabaseAsync();
        await StoredQuery.RunAsync(database, "InsertMembershipVersionKey", ("DeploymentId", Cluster));
        await InsertAsync(database, 11111, version: 0, Active, proxyPort: 11112);
        await InsertAsync(database, 22222, version: 1, Active, proxyPort: 0);
        await InsertAsync(database, 33333, version: 2, Dead, proxyPort: 33334);

        var gateway = Assert.Single(await StoredQuery.RunAsync(database, "GatewaysQueryKey", ("DeploymentId", Cluster), ("Status", Active)));

        Assert.Equal(("10.0.0.1", 11112, 1), (gateway["Address"], gateway["ProxyPort"], gateway["Generation"]));
    }

    [Fact]
    public async Task CleanupDefunctAndDeleteEntries_RemoveDeadSilentRowsThenEverything()
    {
        var database = await MigratedDatabaseAsync();
        await StoredQuery.RunAsync(database, "InsertMembershipVersionKey", ("DeploymentId", Cluster));
        await InsertAsync(database, 11111, version: 0, Dead);
        await InsertAsync(database, 22222, version: 1, Active);

        await StoredQuery.RunAsync(database, "CleanupDefunctSiloEntriesKey", ("DeploymentId", Cluster), ("IAmAliveTime", Started.AddSeconds(1)));

        Assert.Equal([22222], (await ReadAllAsync(database)).Select(r => (int)r["Port"]!));
        await StoredQuery.RunAsync(database, "DeleteMembershipTableEntriesKey", ("DeploymentId", Cluster));
        Assert.Empty(await ReadAllAsync(database));
    }
}
