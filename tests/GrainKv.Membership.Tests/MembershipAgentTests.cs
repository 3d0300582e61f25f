using GrainKv.Testing.Postgres;
using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Membership.Tests;

/// <summary>The agent in a real host against a real PostgreSQL: its life in the table, death judgements, and stopping itself.</summary>
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
    public async Task OwnRowDeclaredDead_StopsTheHost()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var table = await PostgresMembershipTable.OpenAsync(database, Cluster, None);
        using var host = Silo(database, "a");
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        await host.StartAsync();
        var active = await WaitForAsync(table, s => s.Rows.SingleOrDefault()?.Status == SiloStatus.Active, "a Active");
        var judge = await table.JoinAsync(new SiloRegistration("judge", "10.0.0.9", 7000, null, null), None);

        Assert.True(await table.DeclareDeadAsync((await table.ReadAsync(None)).Version, [active.Rows[0].Silo], judge, None));
        await WaitUntilAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, "the host was told to stop");
        await host.StopAsync();

        Assert.True(host.Services.GetRequiredService<MembershipAgent>().DeclaredDead);
        Assert.Equal(judge.ToString(), (await table.ReadAsync(None)).Find(active.Rows[0].Silo)!.StatusChangedBy);
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
