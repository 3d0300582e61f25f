using GrainKv.Testing.Postgres;
using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GrainKv.Membership.Tests;

/// <summary>
/// The agent in a real host against a real PostgreSQL: its life in the table, death judgements, stopping itself, removing
/// defunct rows, and its metrics.
/// </summary>
public sealed class MembershipAgentTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private const string Cluster = "agent-test";
    private static readonly MembershipOptions Options = new() { HeartbeatInterval = TimeSpan.FromMilliseconds(100), DeathTimeout = TimeSpan.FromSeconds(1) };
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Host_StartsThenStops_RowGoesJoiningActiveDeadAndDirectoryListsItself()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        using var host = Silo(database, "a");

        await host.StartAsync();
        var active = await WaitForAsync(table, s => s.Rows.SingleOrDefault()?.Status == SiloStatus.Active, "a Active");
        var self = active.Rows[0].Silo;
        await WaitUntilAsync(() => host.Services.GetRequiredService<ISiloDirectory>().Find("a") is not null, "the directory lists a");
        await host.StopAsync();

        var row = (await table.ReadAsync(None)).Find(self)!;
        Assert.Equal(SiloStatus.Dead, row.Status);
        Assert.Equal(self.ToString(), row.StatusChangedBy);
        Assert.False(host.Services.GetRequiredService<MembershipAgent>().DeclaredDead);
    }

    [Fact]
    public async Task OtherSiloFallsSilent_DeclaredDeadByTheAgentAfterTheDeathTimeout()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        var silent = await table.JoinAsync(new SiloRegistration("silent", "10.0.0.9", 7000, null, null), None);
        using var host = Silo(database, "a");

        await host.StartAsync();
        var after = await WaitForAsync(table, s => s.Find(silent)?.Status == SiloStatus.Dead, "the silent silo declared dead");

        var dead = after.Find(silent)!;
        var judge = after.Rows.Single(r => r.Silo.Name == "a");
        Assert.Equal(judge.Silo.ToString(), dead.StatusChangedBy);
        Assert.True(dead.StatusChangedTime - dead.IAmAliveTime >= Options.DeathTimeout,
            $"declared dead {(dead.StatusChangedTime - dead.IAmAliveTime).TotalMilliseconds} ms after its last heartbeat");
        await host.StopAsync();
    }

    [Fact]
    public async Task OwnRowDeclaredDead_StopsTheHost_ItsRefusedHeartbeatCountedAsFailed()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        using var host = Silo(database, "a");
        using var metrics = new MembershipMetricReader(host.Services);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        await host.StartAsync();
        var active = await WaitForAsync(table, s => s.Rows.SingleOrDefault()?.Status == SiloStatus.Active, "a Active");
        var judge = await table.JoinAsync(new SiloRegistration("judge", "10.0.0.9", 7000, null, null), None);

        Assert.True(await table.DeclareDeadAsync((await table.ReadAsync(None)).Version, [active.Rows[0].Silo], judge, None));
        await WaitUntilAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, "the host was told to stop");
        await host.StopAsync();

        Assert.True(host.Services.GetRequiredService<MembershipAgent>().DeclaredDead);
        Assert.Equal(judge.ToString(), (await table.ReadAsync(None)).Find(active.Rows[0].Silo)!.StatusChangedBy);
        // At least: on a loaded machine a heartbeat may also have run past the death timeout before.
        Assert.True(metrics.Counter("grainkv_membership_heartbeat_failures_total") >= 1);
    }

    [Fact]
    public async Task SameSiloStartedAgain_OldIncarnationStopsItselfAndIsDeclaredDead()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        using var first = Silo(database, "a");
        await first.StartAsync();
        var old = (await WaitForAsync(table, s => s.Rows.SingleOrDefault()?.Status == SiloStatus.Active, "a Active")).Rows[0].Silo;
        using var second = Silo(database, "a");

        await second.StartAsync();
        await WaitUntilAsync(() => first.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested,
            "the old incarnation was told to stop");
        var after = await WaitForAsync(table, s => s.Find(old)?.Status == SiloStatus.Dead && s.Rows.Count(r => r.Status == SiloStatus.Active) == 1,
            "the old incarnation dead, the new one Active");
        await first.StopAsync();
        await second.StopAsync();

        Assert.True(first.Services.GetRequiredService<MembershipAgent>().DeclaredDead);
        Assert.True(after.Rows.Single(r => r.Status == SiloStatus.Active).Silo.Generation > old.Generation);
    }

    [Fact]
    public async Task ActiveSilo_RemovesRowsDeadLongerThanTheExpiration_KeepsTheRest_AndCountsThem()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        var (oldX, newestX) = (await table.JoinAsync(Registration("x"), None), await table.JoinAsync(Registration("x"), None));
        var (youngY, newestY) = (await table.JoinAsync(Registration("y"), None), await table.JoinAsync(Registration("y"), None));
        await TableSql.ExecuteAsync(database, $"""
            {TableSql.DeadFor(oldX, TimeSpan.FromDays(8))}
            {TableSql.DeadFor(newestX, TimeSpan.FromDays(8))}
            {TableSql.DeadFor(youngY, TimeSpan.FromDays(6))}
            {TableSql.DeadFor(newestY, TimeSpan.FromDays(6))}
            """);
        using var host = Silo(database, "a");
        using var metrics = new MembershipMetricReader(host.Services);

        await host.StartAsync();
        var after = await WaitForAsync(table, s => s.Find(oldX) is null, $"{oldX} removed");
        await WaitUntilAsync(() => metrics.Counter("grainkv_membership_defunct_rows_removed_total") > 0, "the removal counted");
        await host.StopAsync();

        Assert.Equal([newestX, youngY, newestY], after.Rows.Where(row => row.Silo.Name != "a").Select(row => row.Silo));
        Assert.Equal(SiloStatus.Active, after.Rows.Single(row => row.Silo.Name == "a").Status);
        Assert.Equal(1, metrics.Counter("grainkv_membership_defunct_rows_removed_total"));
    }

    [Fact]
    public async Task Metrics_AfterHeartbeatsAndADeclaredDeath_CountThemAndShowTheTableAsLastRead()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        var silent = await table.JoinAsync(Registration("silent"), None);
        using var host = Silo(database, "a");
        using var metrics = new MembershipMetricReader(host.Services);

        await host.StartAsync();
        var heartbeatsAtStart = metrics.Counter("grainkv_membership_heartbeats_total");
        var rowsAtStart = Enum.GetValues<SiloStatus>().Sum(status => metrics.Gauge("grainkv_membership_silos", $"status={status}"));
        await WaitForAsync(table, s => s.Find(silent)?.Status == SiloStatus.Dead, "the silent silo declared dead");
        await WaitUntilAsync(() => metrics.Gauge("grainkv_membership_silos", "status=Dead") == 1
            && metrics.Gauge("grainkv_membership_silos", "status=Active") == 1, "the death and a Active in the last read");
        var version = (await table.ReadAsync(None)).Version;
        await host.StopAsync();

        Assert.True(heartbeatsAtStart >= 1, $"{heartbeatsAtStart} heartbeats counted once started");
        Assert.Equal(2, rowsAtStart);
        Assert.True(metrics.Counter("grainkv_membership_heartbeats_total") > heartbeatsAtStart);
        Assert.Equal(1, metrics.Counter("grainkv_membership_deaths_declared_total", "reason=MissedHeartbeats"));
        Assert.Equal(0, metrics.Counter("grainkv_membership_deaths_declared_total", "reason=Superseded"));
        Assert.Equal(version, metrics.Gauge("grainkv_membership_table_version"));
    }

    [Fact]
    public async Task TableLockedPastTheDeathTimeout_HeartbeatCountedAsFailed_ThenHeartbeatsResume()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        using var host = Silo(database, "a");
        using var metrics = new MembershipMetricReader(host.Services);
        await host.StartAsync();
        await WaitForAsync(table, s => s.Rows.SingleOrDefault()?.Status == SiloStatus.Active, "a Active");

        long heartbeatsWhileLocked;
        await using (var locker = NpgsqlDataSource.Create(database))
        await using (var connection = await locker.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE membership IN ACCESS EXCLUSIVE MODE", connection, transaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }
            await WaitUntilAsync(() => metrics.Counter("grainkv_membership_heartbeat_failures_total") >= 1, "a heartbeat failed");
            heartbeatsWhileLocked = metrics.Counter("grainkv_membership_heartbeats_total");
        }
        await WaitUntilAsync(() => metrics.Counter("grainkv_membership_heartbeats_total") > heartbeatsWhileLocked, "heartbeats written again");
        await host.StopAsync();

        Assert.False(host.Services.GetRequiredService<MembershipAgent>().DeclaredDead);
    }

    private static SiloRegistration Registration(string name) => new(name, "10.0.0.9", 7000, null, null);

    private static IHost Silo(string database, string name)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPostgresMembership(database, Cluster, new SiloRegistration(name, "127.0.0.1", 7000, null, null), Options);
        return builder.Build();
    }

    private static async Task<MembershipSnapshot> WaitForAsync(PostgresMembershipTable table, Func<MembershipSnapshot, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var snapshot = await table.ReadAsync(None);
            if (condition(snapshot)) return snapshot;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not {what} within {Patience}: {string.Join("; ", snapshot.Rows)}");
            await Task.Delay(50);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not {what} within {Patience}");
            await Task.Delay(20);
        }
    }
}
