using GrainKv.Orleans.Clustering;
using GrainKv.Testing.Postgres;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Orleans.Tests.Clustering;

/// <summary>Creating and checking the clustering schema on a real PostgreSQL, alone and with others at once.</summary>
public sealed class ClusteringSchemaMigratorTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private static readonly string[] ProviderQueryKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    private static ClusteringSchemaMigrator Migrator(string database) => new(database, NullLogger<ClusteringSchemaMigrator>.Instance);

    [Fact]
    public async Task EnsureAsync_EmptyDatabase_RecordsLatestVersionAndInstallsEveryProviderQuery()
    {
        var database = await postgres.CreateDatabaseAsync();

        var found = await Migrator(database).EnsureAsync(CancellationToken.None);

        Assert.Equal(0, found);
        var row = Assert.Single(await ClusteringSql.SchemaRowsAsync(database));
        Assert.Equal((ClusteringSchema.Component, ClusteringSchema.LatestVersion), (row.Component, row.Version));
        Assert.Equal(ProviderQueryKeys.Order(), ClusteringQueries.ByKey.Keys.Order());
        foreach (var key in ProviderQueryKeys)
        {
            // Every statement parses and runs against the tables: reads and writes on a cluster nobody has started.
            var parameters = new (string, object?)[]
            {
                ("DeploymentId", "none"), ("Address", "127.0.0.1"), ("Port", 1), ("Generation", 1), ("Version", 0),
                ("Status", 3), ("ProxyPort", 2), ("SiloName", "s"), ("HostName", "h"), ("SuspectTimes", null),
                ("StartTime", DateTime.UtcNow), ("IAmAliveTime", DateTime.UtcNow),
            };
            await StoredQuery.RunAsync(database, key, parameters);
        }
    }

    [Fact]
    public async Task EnsureAsync_Twice_SecondFindsLatestVersionAndChangesNothing()
    {
        var database = await postgres.CreateDatabaseAsync();
        await Migrator(database).EnsureAsync(CancellationToken.None);
        var before = Assert.Single(await ClusteringSql.SchemaRowsAsync(database));

        var found = await Migrator(database).EnsureAsync(CancellationToken.None);

        Assert.Equal(ClusteringSchema.LatestVersion, found);
        Assert.Equal(before, Assert.Single(await ClusteringSql.SchemaRowsAsync(database)));
    }

    [Fact]
    public async Task EnsureAsync_FourAtOnceOnEmptyDatabase_OneMigratesTheOthersFindItDone()
    {
        var database = await postgres.CreateDatabaseAsync();

        var found = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Migrator(database).EnsureAsync(CancellationToken.None))));

        Assert.Equal([0, ClusteringSchema.LatestVersion, ClusteringSchema.LatestVersion, ClusteringSchema.LatestVersion], found.Order());
        var row = Assert.Single(await ClusteringSql.SchemaRowsAsync(database));
        Assert.Equal(ClusteringSchema.LatestVersion, row.Version);
        Assert.True(await StoredQuery.RunForBooleanAsync(database, "InsertMembershipVersionKey", ("DeploymentId", "c")));
    }

    [Fact]
    public async Task EnsureAsync_OrleansQueryTableOfAnotherProvider_KeepsItsRowsAndAddsOurs()
    {
        var database = await postgres.CreateDatabaseAsync();
        await ClusteringSql.ExecuteAsync(database, """
            CREATE TABLE OrleansQuery (QueryKey varchar(64) NOT NULL PRIMARY KEY, QueryText varchar(8000) NOT NULL);
            INSERT INTO OrleansQuery VALUES ('ReadReminderRowsKey', 'SELECT 1');
            """);

        await Migrator(database).EnsureAsync(CancellationToken.None);

        Assert.Single(await StoredQuery.RunAsync(database, "ReadReminderRowsKey"));
        Assert.True(await StoredQuery.RunForBooleanAsync(database, "InsertMembershipVersionKey", ("DeploymentId", "c")));
    }

    [Fact]
    public async Task EnsureAsync_DatabaseAtVersion1_BuildWithVersion2_AppliesOnlyMigration2AndReinstallsTheStatements()
    {
        var database = await postgres.CreateDatabaseAsync();
        await Migrator(database).EnsureAsync(CancellationToken.None);
        await ClusteringSql.ExecuteAsync(database, "UPDATE orleansquery SET querytext = 'SELECT 0' WHERE querykey = 'InsertMembershipVersionKey'");
        string[] laterBuild = [.. ClusteringSchema.Migrations, "ALTER TABLE orleans_membership ADD COLUMN zone text"];

        var found = await new ClusteringSchemaMigrator(database, laterBuild, NullLogger<ClusteringSchemaMigrator>.Instance).EnsureAsync(CancellationToken.None);

        Assert.Equal(1, found);
        Assert.Equal(2, Assert.Single(await ClusteringSql.SchemaRowsAsync(database)).Version);
        await ClusteringSql.ExecuteAsync(database, "SELECT zone FROM orleans_membership");
        Assert.True(await StoredQuery.RunForBooleanAsync(database, "InsertMembershipVersionKey", ("DeploymentId", "c")));
    }

    [Fact]
    public async Task EnsureAsync_DatabaseNewerThanThisBuild_RefusedAndLeftAlone()
    {
        var database = await postgres.CreateDatabaseAsync();
        await Migrator(database).EnsureAsync(CancellationToken.None);
        await ClusteringSql.ExecuteAsync(database, $"UPDATE grainkv_component_schema SET version = {ClusteringSchema.LatestVersion + 1}");

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator(database).EnsureAsync(CancellationToken.None));

        Assert.Contains($"version {ClusteringSchema.LatestVersion + 1}", refusal.Message);
        Assert.Equal(ClusteringSchema.LatestVersion + 1, Assert.Single(await ClusteringSql.SchemaRowsAsync(database)).Version);
    }
}
