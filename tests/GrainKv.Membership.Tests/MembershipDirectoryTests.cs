using GrainKv.Runtime;
using GrainKv.Testing.Postgres;

namespace GrainKv.Membership.Tests;

/// <summary>The read-only directory gateways and clients use, over a real PostgreSQL.</summary>
public sealed class MembershipDirectoryTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private const string Cluster = "directory-test";
    private static readonly MembershipOptions Options = new() { HeartbeatInterval = TimeSpan.FromMilliseconds(50), DeathTimeout = TimeSpan.FromSeconds(30) };
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task OpenAsync_ServingSilos_ListedAtOnceWithTheirAddresses()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        var a = await JoinActiveAsync(table, "a", 7000);
        await table.JoinAsync(new SiloRegistration("b", "10.0.0.2", 7000, null, null), None);

        await using var directory = await MembershipDirectory.OpenAsync(database, Cluster, Options);

        var entry = Assert.Single(directory.LiveSilos);
        Assert.Equal(new SiloAddress("10.0.0.1", 7000, a.Generation), entry.PeerAddress);
        Assert.Equal(new Uri("http://10.0.0.1:7001"), entry.ClientUrl);
        Assert.Same(entry, directory.Find("a"));
    }

    [Fact]
    public async Task Refresh_SiloDiesAndAnotherJoins_DirectoryFollows()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        var a = await JoinActiveAsync(table, "a", 7000);
        var b = await JoinActiveAsync(table, "b", 7100);
        await using var directory = await MembershipDirectory.OpenAsync(database, Cluster, Options);

        Assert.True(await table.DeclareDeadAsync((await table.ReadAsync(None)).Version, [b], a, None));
        await JoinActiveAsync(table, "c", 7200);
        await EventuallyAsync(() => string.Join(",", directory.LiveSilos.Select(s => s.Name)) == "a,c", "the directory lists a and c");

        Assert.Null(directory.Find("b"));
    }

    [Fact]
    public async Task Refresh_DatabaseDown_KeepsLastViewAndCatchesUpWhenBack()
    {
        await using var server = await PostgresServer.StartAsync();
        var database = await server.CreateDatabaseAsync("membership");
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        await JoinActiveAsync(table, "a", 7000);
        await using var directory = await MembershipDirectory.OpenAsync(database, Cluster, Options);

        await server.StopAsync();
        await Task.Delay(Options.HeartbeatInterval * 10);
        var whileDown = directory.LiveSilos.Select(s => s.Name).ToArray();
        await server.StartAgainAsync();
        // A new silo's table: the old one's pooled connections died with the server.
        await using var joiner = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        await JoinActiveAsync(joiner, "b", 7100);
        await EventuallyAsync(() => directory.Find("b") is not null, "the directory lists b after the database came back");

        Assert.Equal(["a"], whileDown);
    }

    [Fact]
    public async Task ReadBootstrapsAsync_NoLiveSiloHasReported_WaitsUntilOneJoinsWithItsReport()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        await JoinActiveAsync(table, "a", 7000);
        await using var directory = await MembershipDirectory.OpenAsync(database, Cluster, Options);

        var reading = directory.ReadBootstrapsAsync(None);
        await Task.Delay(Options.HeartbeatInterval * 4);
        Assert.False(reading.IsCompleted, "reports read while no silo had made one");
        var reporter = await table.JoinAsync(new SiloRegistration("b", "10.0.0.2", 7000, null, null, Bootstrap: "report"), None);

        var report = Assert.Single(await reading.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("report", report.Bootstrap);
        Assert.Equal([reporter], report.Silos);
    }

    private static async Task<SiloIncarnation> JoinActiveAsync(PostgresMembershipTable table, string name, int port)
    {
        var silo = await table.JoinAsync(new SiloRegistration(name, "10.0.0.1", port, new Uri($"http://10.0.0.1:{port + 1}"), null), None);
        Assert.True(await table.SetOwnStatusAsync(silo, SiloStatus.Active, None));
        return silo;
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not true within 30 s: {what}");
            await Task.Delay(20);
        }
    }
}
