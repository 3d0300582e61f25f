using GrainKv.Testing.Postgres;
using Npgsql;

namespace GrainKv.Membership.Tests;

/// <summary>
/// The membership table on a real PostgreSQL: joins, heartbeats, status changes, versioned death declarations and the
/// removal of defunct rows.
/// </summary>
public sealed class PostgresMembershipTableTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private const string Cluster = "test-cluster";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Expiration = TimeSpan.FromDays(7);

    private static SiloRegistration Registration(string name, int port = 7000, string? storage = null) =>
        new(name, "10.0.0.1", port, new Uri($"http://10.0.0.1:{port + 1}"), storage);

    [Fact]
    public async Task ReadAsync_NewCluster_VersionZeroAndNoRows()
    {
        await using var table = await OpenAsync(await postgres.CreateDatabaseAsync());

        var snapshot = await table.ReadAsync(None);

        Assert.Equal(0, snapshot.Version);
        Assert.Empty(snapshot.Rows);
        Assert.Equal(DateTimeKind.Utc, snapshot.Now.Kind);
    }

    [Fact]
    public async Task JoinAsync_RecordsRegistrationAsJoiningAndRaisesVersion()
    {
        await using var table = await OpenAsync(await postgres.CreateDatabaseAsync());

        var silo = await table.JoinAsync(Registration("a", 7000, storage: "1234"), None);
        var snapshot = await table.ReadAsync(None);

        var row = Assert.Single(snapshot.Rows);
        Assert.Equal(silo, row.Silo);
        Assert.Equal(("10.0.0.1", 7000, new Uri("http://10.0.0.1:7001"), "1234"), (row.PeerHost, row.PeerPort, row.ClientUrl, row.StorageIdentity));
        Assert.Equal(SiloStatus.Joining, row.Status);
        Assert.Equal(silo.ToString(), row.StatusChangedBy);
        Assert.Equal(row.StartTime, row.IAmAliveTime);
        Assert.True(row.StartTime <= snapshot.Now, $"start time {row.StartTime:O} after the table's clock {snapshot.Now:O}");
        Assert.Equal(1, snapshot.Version);
    }

    [Fact]
    public async Task JoinAsync_WithAndWithoutBootstrap_ReadBackAsWritten()
    {
        await using var table = await OpenAsync(await postgres.CreateDatabaseAsync());
        const string bootstrap = """{"clusterId":"00000000000000aa","members":[]}""";

        var reporting = await table.JoinAsync(Registration("a") with { Bootstrap = bootstrap }, None);
        var silent = await table.JoinAsync(Registration("b"), None);
        var snapshot = await table.ReadAsync(None);

        Assert.Equal(bootstrap, snapshot.Find(reporting)!.Bootstrap);
        Assert.Null(snapshot.Find(silent)!.Bootstrap);
    }

    [Fact]
    public async Task OpenAsync_DatabaseAtSchemaVersion1_Migrated_ItsRowsReportNoBootstrapAndNewJoinsDo()
    {
        var database = await postgres.CreateDatabaseAsync();
        await (await OpenAsync(database)).DisposeAsync();
        // Back to what a build that knew only migration 1 left behind, with a silo row of its time.
        await TableSql.ExecuteAsync(database, "ALTER TABLE membership DROP COLUMN bootstrap; DELETE FROM membership_schema WHERE version > 1");
        await TableSql.ExecuteAsync(database, $"""
            INSERT INTO membership (cluster, name, generation, peer_host, peer_port, status, start_time, i_am_alive_time,
                                    status_changed_time, status_changed_by)
            VALUES ('{Cluster}', 'old', 1, '10.0.0.1', 7000, 'Active', now(), now(), now(), 'old@1')
            """);

        await using var table = await OpenAsync(database);
        var joined = await table.JoinAsync(Registration("new") with { Bootstrap = "report" }, None);
        var snapshot = await table.ReadAsync(None);

        var versions = await SchemaVersionsAsync(database);
        Assert.Equal([1, 2], versions);
        Assert.Null(snapshot.Find(new SiloIncarnation("old", 1))!.Bootstrap);
        Assert.Equal("report", snapshot.Find(joined)!.Bootstrap);
    }

    [Fact]
    public async Task JoinAsync_SameNameAgain_GetsLargerGenerationEachTime()
    {
        await using var table = await OpenAsync(await postgres.CreateDatabaseAsync());

        var generations = new List<int>();
        for (var i = 0; i < 3; i++) generations.Add((await table.JoinAsync(Registration("a"), None)).Generation);
        var other = await table.JoinAsync(Registration("b"), None);

        Assert.Equal(generations.Order(), generations);
        Assert.Equal(3, generations.Distinct().Count());
        // A first start's generation is its start time in seconds since 2024.
        var otherStart = (await table.ReadAsync(None)).Find(other)!.StartTime;
        Assert.Equal((int)Math.Floor((otherStart - new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds), other.Generation);
    }

    [Fact]
    public async Task HeartbeatAsync_LiveRow_AdvancesIAmAliveWithoutRaisingVersion()
    {
        await using var table = await OpenAsync(await postgres.CreateDatabaseAsync());
        var silo = await table.JoinAsync(Registration("a"), None);
        var before = await table.ReadAsync(None);

        await Task.Delay(20);
        Assert.True(await table.HeartbeatAsync(silo, None));
        var after = await table.ReadAsync(None);

        Assert.True(after.Rows[0].IAmAliveTime > before.Rows[0].IAmAliveTime);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task HeartbeatAsync_DeadOrMissingRow_FalseAndRowStaysDead()
    {
        await using var table = await OpenAsync(await postgres.CreateDatabaseAsync());
        var a = await table.JoinAsync(Registration("a"), None);
        var b = await table.JoinAsync(Registration("b"), None);
        Assert.True(await table.DeclareDeadAsync((await table.ReadAsync(None)).Version, [b], a, None));
        var declared = (await table.ReadAsync(None)).Find(b)!;

        Assert.False(await table.HeartbeatAsync(b, None));
        Assert.False(await table.HeartbeatAsync(new SiloIncarnation("nobody", 1), None));

        var after = (await table.ReadAsync(None)).Find(b)!;
        Assert.Equal(SiloStatus.Dead, after.Status);
        Assert.Equal(declared.IAmAliveTime, after.IAmAliveTime);
    }

    [Fact]
    public async Task SetOwnStatusAsync_LiveRow_ChangesStatusAndRaisesVersion()
    {
        await using var table = await OpenAsync(await postgres.CreateDatabaseAsync());
        var silo = await table.JoinAsync(Registration("a"), None);
        var before = await table.ReadAsync(None);

        Assert.True(await table.SetOwnStatusAsync(silo, SiloStatus.Active, None));
        var after = await table.ReadAsync(None);

        Assert.Equal(SiloStatus.Active, after.Find(silo)!.Status);
        Assert.Equal(before.Version + 1, after.Version);
        Assert.True(after.Find(silo)!.StatusChangedTime > before.Find(silo)!.StatusChangedTime);
    }

    [Fact]
    public async Task SetOwnStatusAsync_DeclaredDead_FalseAndNoResurrection()
    {
        await using var table = await OpenAsync(await postgres.CreateDatabaseAsync());
        var a = await table.JoinAsync(Registration("a"), None);
        var b = await table.JoinAsync(Registration("b"), None);
        Assert.True(await table.DeclareDeadAsync((await table.ReadAsync(None)).Version, [b], a, None));
        var before = await table.ReadAsync(None);

        Assert.False(await table.SetOwnStatusAsync(b, SiloStatus.Active, None));

        var after = await table.ReadAsync(None);
        Assert.Equal(SiloStatus.Dead, after.Find(b)!.Status);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task DeclareDeadAsync_CurrentVersion_MarksThemDeadByTheDeclarer()
    {
        await using var table = await OpenAsync(await postgres.CreateDatabaseAsync());
        var a = await table.JoinAsync(Registration("a"), None);
        var b = await table.JoinAsync(Registration("b"), None);
        var c = await table.JoinAsync(Registration("c"), None);
        var before = await table.ReadAsync(None);

        Assert.True(await table.DeclareDeadAsync(before.Version, [b, c], a, None));

        var after = await table.ReadAsync(None);
        Assert.Equal([SiloStatus.Joining, SiloStatus.Dead, SiloStatus.Dead], after.Rows.Select(r => r.Status));
        Assert.All(after.Rows.Skip(1), row => Assert.Equal(a.ToString(), row.StatusChangedBy));
        Assert.Equal(before.Version + 1, after.Version);
    }

    [Fact]
    public async Task DeclareDeadAsync_TableChangedSinceRead_RefusedAndNothingChanges()
    {
        await using var table = await OpenAsync(await postgres.CreateDatabaseAsync());
        var a = await table.JoinAsync(Registration("a"), None);
        var b = await table.JoinAsync(Registration("b"), None);
        var judgedOn = await table.ReadAsync(None);
        var restarted = await table.JoinAsync(Registration("b"), None);

        Assert.False(await table.DeclareDeadAsync(judgedOn.Version, [b], a, None));

        var after = await table.ReadAsync(None);
        Assert.Equal(SiloStatus.Joining, after.Find(b)!.Status);
        Assert.Equal(SiloStatus.Joining, after.Find(restarted)!.Status);
    }

    [Fact]
    public async Task DeclareDeadAsync_TwoDeclarersOnOneVersion_ExactlyOneWins()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var first = await OpenAsync(database);
        await using var second = await OpenAsync(database);
        var a = await first.JoinAsync(Registration("a"), None);
        var b = await first.JoinAsync(Registration("b"), None);
        var c = await first.JoinAsync(Registration("c"), None);
        var version = (await first.ReadAsync(None)).Version;

        var outcomes = await Task.WhenAll(first.DeclareDeadAsync(version, [c], a, None), second.DeclareDeadAsync(version, [c], b, None));

        Assert.Single(outcomes, won => won);
        var row = (await first.ReadAsync(None)).Find(c)!;
        Assert.Equal(outcomes[0] ? a.ToString() : b.ToString(), row.StatusChangedBy);
        Assert.Equal(version + 1, (await first.ReadAsync(None)).Version);
    }

    [Fact]
    public async Task RemoveDefunctAsync_RowsDeadLongerThanTheExpiration_GoButLiveYoungAndNewestRowsStay()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await OpenAsync(database);
        var live = await table.JoinAsync(Registration("live"), None);
        var silentForLong = await table.JoinAsync(Registration("silent"), None);
        var (oldB, newB) = (await table.JoinAsync(Registration("b"), None), await table.JoinAsync(Registration("b"), None));
        var (youngC, newC) = (await table.JoinAsync(Registration("c"), None), await table.JoinAsync(Registration("c"), None));
        var (oldD, newestD) = (await table.JoinAsync(Registration("d"), None), await table.JoinAsync(Registration("d"), None));
        await TableSql.ExecuteAsync(database, $"""
            UPDATE membership SET i_am_alive_time = now() - interval '30 days' WHERE name = 'silent';
            {TableSql.DeadFor(oldB, TimeSpan.FromDays(7) + TimeSpan.FromHours(1))}
            {TableSql.DeadFor(youngC, TimeSpan.FromDays(7) - TimeSpan.FromHours(1))}
            {TableSql.DeadFor(oldD, TimeSpan.FromDays(8))}
            {TableSql.DeadFor(newestD, TimeSpan.FromDays(8))}
            """);
        // As if the database's clock had once been far ahead: the next incarnation of d must still get a larger generation.
        await TableSql.ExecuteAsync(database, $"UPDATE membership SET generation = 2000000000 WHERE name = 'd' AND generation = {newestD.Generation}");
        var before = await table.ReadAsync(None);

        var defunct = MembershipRules.Defunct(before, Expiration);
        var removed = await table.RemoveDefunctAsync(defunct.Select(row => row.Silo).ToArray(), None);

        Assert.Equal([oldB, oldD], defunct.Select(row => row.Silo));
        Assert.Equal(2, removed);
        var after = await table.ReadAsync(None);
        Assert.Equal(
            new[] { newB, youngC, newC, new SiloIncarnation("d", 2000000000), live, silentForLong }.Select(silo => silo.ToString()).Order(StringComparer.Ordinal),
            after.Rows.Select(row => row.Silo.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(2000000001, (await table.JoinAsync(Registration("d"), None)).Generation);
    }

    [Fact]
    public async Task RemoveDefunctAsync_RowsAnotherSiloIsRemoving_SkippedWithoutWaiting_AndEachCountedOnce()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await OpenAsync(database);
        await InsertDefunctAsync(database, names: 20);
        var defunct = MembershipRules.Defunct(await table.ReadAsync(None), Expiration).Select(row => row.Silo).ToArray();
        await using var otherSilo = NpgsqlDataSource.Create(database);
        await using var other = await otherSilo.OpenConnectionAsync();
        await using var otherRemoving = await other.BeginTransactionAsync();
        await using (var removeHalf = new NpgsqlCommand("DELETE FROM membership WHERE generation = 1 AND name < 's010'", other, otherRemoving))
        {
            Assert.Equal(10, await removeHalf.ExecuteNonQueryAsync());
        }

        // Bounded: were the locked rows waited for, this would hang until the other transaction ends.
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var removedMeanwhile = await table.RemoveDefunctAsync(defunct, bounded.Token);
        await otherRemoving.CommitAsync();
        var removedAfter = await table.RemoveDefunctAsync(defunct, None);

        Assert.Equal(20, defunct.Length);
        Assert.Equal((10, 0), (removedMeanwhile, removedAfter));
        Assert.All((await table.ReadAsync(None)).Rows, row => Assert.Equal(2, row.Silo.Generation));
    }

    [Fact]
    public async Task RemoveDefunctAsync_SeveralSilosAtOnce_NoneFailsAndEachRowCountedOnce()
    {
        var database = await postgres.CreateDatabaseAsync();
        var tables = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenAsync(database)));
        try
        {
            await InsertDefunctAsync(database, names: 200);
            var defunct = MembershipRules.Defunct(await tables[0].ReadAsync(None), Expiration).Select(row => row.Silo).ToArray();

            var removed = await Task.WhenAll(tables.Select(table => table.RemoveDefunctAsync(defunct, None)));

            Assert.Equal(200, defunct.Length);
            Assert.Equal(200, removed.Sum());
            var after = await tables[0].ReadAsync(None);
            Assert.Equal(200, after.Rows.Count);
            Assert.All(after.Rows, row => Assert.Equal((2, SiloStatus.Active), (row.Silo.Generation, row.Status)));
        }
        finally
        {
            foreach (var table in tables) await table.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReadAsync_TwoClustersInOneDatabase_SeeOnlyTheirOwnRows()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var red = await PostgresMembershipTable.OpenAsync(database, "red", None);
        await using var blue = await PostgresMembershipTable.OpenAsync(database, "blue", None);

        await red.JoinAsync(Registration("a"), None);
        await red.JoinAsync(Registration("b"), None);
        await blue.JoinAsync(Registration("a"), None);

        Assert.Equal(["a", "b"], (await red.ReadAsync(None)).Rows.Select(r => r.Silo.Name));
        Assert.Equal(["a"], (await blue.ReadAsync(None)).Rows.Select(r => r.Silo.Name));
        Assert.Equal((2L, 1L), ((await red.ReadAsync(None)).Version, (await blue.ReadAsync(None)).Version));
    }

    [Fact]
    public async Task OpenAsync_ManySilosAtOnce_OneSchemaAndAllCanJoin()
    {
        var database = await postgres.CreateDatabaseAsync();

        var tables = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => OpenAsync(database)));
        try
        {
            await Task.WhenAll(tables.Select((table, i) => table.JoinAsync(Registration($"s{i}"), None)));
            Assert.Equal(6, (await tables[0].ReadAsync(None)).Rows.Count);
            var versions = await SchemaVersionsAsync(database);
            Assert.Equal([1, 2], versions);
        }
        finally
        {
            foreach (var table in tables) await table.DisposeAsync();
        }
    }

    [Fact]
    public async Task OpenAsync_DatabaseFromNewerBuild_Refused()
    {
        var database = await postgres.CreateDatabaseAsync();
        await (await OpenAsync(database)).DisposeAsync();
        await TableSql.ExecuteAsync(database, "INSERT INTO membership_schema (version) VALUES (99)");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(database));

        Assert.Contains("schema version 99", error.Message);
    }

    [Fact]
    public async Task ServerIdentity_SameServerAnyDatabase_SameIdentity_OtherServer_Differs()
    {
        await using var other = await PostgresServer.StartAsync();

        var one = await PostgresServerIdentity.QueryAsync(await postgres.CreateDatabaseAsync(), None);
        var again = await PostgresServerIdentity.QueryAsync(postgres.Server.ConnectionString(), None);
        var elsewhere = await PostgresServerIdentity.QueryAsync(other.ConnectionString(), None);

        Assert.Equal(one, again);
        Assert.NotEqual(one, elsewhere);
    }

    private static Task<PostgresMembershipTable> OpenAsync(string connectionString) =>
        PostgresMembershipTable.OpenAsync(connectionString, Cluster, None);

    private static async Task<int[]> SchemaVersionsAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT version FROM membership_schema ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync()) versions.Add(reader.GetInt32(0));
        return versions.ToArray();
    }

    /// <summary>Names s000, s001, ... each with generation 1 dead for 8 days and generation 2 Active.</summary>
    private static Task InsertDefunctAsync(string connectionString, int names) => TableSql.ExecuteAsync(connectionString, $"""
        INSERT INTO membership (cluster, name, generation, peer_host, peer_port, status, start_time, i_am_alive_time,
                                status_changed_time, status_changed_by)
        SELECT '{Cluster}', 's' || lpad(n::text, 3, '0'), g, '10.0.0.1', 7000, CASE g WHEN 1 THEN 'Dead' ELSE 'Active' END,
               now() - interval '9 days', now() - interval '8 days', now() - interval '8 days', 'test'
        FROM generate_series(0, {names - 1}) AS n, generate_series(1, 2) AS g
        """);
}
