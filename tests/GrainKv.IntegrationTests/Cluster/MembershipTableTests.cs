using System.Globalization;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Membership;
using GrainKv.Testing.Postgres;
using Grpc.Core;
using Npgsql;
using SiloStatus = GrainKv.Membership.SiloStatus;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>
/// Three silo processes (SQLite storage) sharing a membership table in a real PostgreSQL: a SIGKILLed silo
/// is declared dead by the others once its heartbeats stop for the death timeout, and rejoins as a new
/// incarnation when restarted; a silo whose row is marked dead stops itself; a silo restarted at another
/// peer address is found there through the table; silos storing on one PostgreSQL server say so; a silo removes
/// the rows of silos dead for longer than its defunct expiration and reports the table on /metrics.
/// </summary>
public sealed class MembershipTableTests(MembershipTableTests.PostgresFixture postgres) : IClassFixture<MembershipTableTests.PostgresFixture>
{
    private const int HeartbeatMs = 250;
    private static readonly TimeSpan DeathTimeout = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Patience = DeathTimeout + TimeSpan.FromSeconds(30);

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task KilledSilo_IsDeclaredDeadAfterTheDeathTimeout_AndRejoinsAsNewIncarnationWhenRestarted()
    {
        await using var silos = await StartAsync();
        var (cluster, table) = (silos.Cluster, silos.Table);
        var started = await WaitForTableAsync(table, AllActive(cluster), "every silo Active");
        var victim = cluster.Members[2];
        var survivors = cluster.Members.Take(2).ToArray();
        var killed = Serving(started, victim.Name)!;

        cluster.Kill(victim);
        var afterKill = await WaitForTableAsync(table, s => s.Find(killed.Silo)?.Status == SiloStatus.Dead, $"{killed.Silo} declared dead");

        var dead = afterKill.Find(killed.Silo)!;
        Assert.True(dead.StatusChangedTime - dead.IAmAliveTime >= DeathTimeout,
            $"declared dead {(dead.StatusChangedTime - dead.IAmAliveTime).TotalMilliseconds} ms after its last heartbeat, before the {DeathTimeout} timeout");
        Assert.Contains(dead.StatusChangedBy, survivors.Select(s => Serving(afterKill, s.Name)!.Silo.ToString()));
        Assert.All(survivors, s => Assert.Equal(Serving(started, s.Name)!.Silo, Serving(afterKill, s.Name)?.Silo));
        await PutAsync(survivors[0], "membership/while-dead", "1");
        using (var other = new EtcdClient(survivors[1].ClientUrl))
        {
            Assert.Single((await other.RangeAsync(new RangeRequest { Key = B("membership/while-dead") })).Kvs);
        }

        await cluster.RestartAsync(victim);
        var rejoined = await WaitForTableAsync(table, s => Serving(s, victim.Name)?.Silo.Generation > killed.Silo.Generation,
            $"{victim.Name} Active again as a new incarnation");

        Assert.Equal(SiloStatus.Dead, rejoined.Find(killed.Silo)!.Status);
        Assert.Equal(3, rejoined.Rows.Count(r => r.Status == SiloStatus.Active));
        await WaitForValueAsync(victim, "membership/while-dead", "1");
        await PutAsync(victim, "membership/after-rejoin", "2");
        await WaitForValueAsync(survivors[1], "membership/after-rejoin", "2");
    }

    [Fact]
    public async Task SiloMarkedDeadInTheTable_StopsItselfWithItsExitCode_OthersServeOn()
    {
        await using var silos = await StartAsync();
        var (cluster, table) = (silos.Cluster, silos.Table);
        var started = await WaitForTableAsync(table, AllActive(cluster), "every silo Active");
        var victim = cluster.Members[1];
        var row = Serving(started, victim.Name)!;

        await using (var dataSource = NpgsqlDataSource.Create(silos.Connection))
        await using (var update = dataSource.CreateCommand(
            "UPDATE membership SET status = 'Dead', status_changed_by = 'operator' WHERE name = $1 AND generation = $2"))
        {
            update.Parameters.AddWithValue(row.Silo.Name);
            update.Parameters.AddWithValue(row.Silo.Generation);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }
        await victim.Process!.WaitForExitAsync(Patience);

        Assert.True(victim.Process.ExitCode == MembershipAgent.DeclaredDeadExitCode, $"exit code {victim.Process.ExitCode}:\n{victim.Process.Output}");
        Assert.Contains($"{row.Silo}, was declared dead by operator", victim.Process.Output);
        await PutAsync(cluster.Members[0], "membership/after-stop", "1");
        await WaitForValueAsync(cluster.Members[2], "membership/after-stop", "1");
    }

    [Fact]
    public async Task SiloRestartedAtAnotherPeerAddress_IsReachedThereThroughTheTable()
    {
        await using var silos = await StartAsync();
        var (cluster, table) = (silos.Cluster, silos.Table);
        await WaitForTableAsync(table, AllActive(cluster), "every silo Active");
        var moved = cluster.Members[0];
        var newPeerUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");

        cluster.Kill(moved);
        await PutAsync(cluster.Members[1], "membership/while-away", "1");
        await cluster.RestartAsync(moved, newPeerUrl);
        var after = await WaitForTableAsync(table, s => Serving(s, moved.Name)?.PeerPort == newPeerUrl.Port,
            $"{moved.Name} Active at {newPeerUrl}");

        // The others only know the old address from --initial-cluster: the moved silo catches up only if
        // their Raft messages find it at the address the table gives.
        Assert.NotEqual(moved.PeerUrl.Port, newPeerUrl.Port);
        Assert.Equal(3, after.Rows.Count(r => r.Status == SiloStatus.Active));
        await WaitForValueAsync(moved, "membership/while-away", "1");
        await PutAsync(cluster.Members[2], "membership/after-move", "2");
        await WaitForValueAsync(moved, "membership/after-move", "2");
    }

    [Fact]
    public async Task Silo_RemovesRowsDeadLongerThanItsDefunctExpiration_AndReportsTheTableOnMetrics()
    {
        var connection = await postgres.Server.CreateDatabaseAsync($"membership_{Guid.NewGuid():N}");
        await using var table = await PostgresMembershipTable.OpenAsync(connection, GrainKvCluster.Token, CancellationToken.None);
        SiloRegistration Registration(string name) => new(name, "127.0.0.1", 1, null, null);
        var old = new[] { await table.JoinAsync(Registration("old"), CancellationToken.None), await table.JoinAsync(Registration("old"), CancellationToken.None) };
        var recent = new[] { await table.JoinAsync(Registration("recent"), CancellationToken.None), await table.JoinAsync(Registration("recent"), CancellationToken.None) };
        var silent = await table.JoinAsync(Registration("silent"), CancellationToken.None);
        await using (var dataSource = NpgsqlDataSource.Create(connection))
        await using (var age = dataSource.CreateCommand("""
            UPDATE membership SET status = 'Dead', status_changed_time = now() - interval '2 days' WHERE name = 'old';
            UPDATE membership SET status = 'Dead', status_changed_time = now() - interval '1 hour' WHERE name = 'recent';
            """))
        {
            Assert.Equal(4, await age.ExecuteNonQueryAsync());
        }
        var metricsPort = FreePort.Next();

        // A day, from the environment as a container would set it: rows dead for two days go, those dead for an hour stay.
        using var silo = await GrainKvServer.StartAsync(new Dictionary<string, string> { ["GRAINKV_MEMBERSHIP_DEFUNCT_EXPIRATION"] = "86400000" },
            "--initial-cluster-token", GrainKvCluster.Token, "--membership-connection", connection,
            "--membership-heartbeat-interval", HeartbeatMs.ToString(CultureInfo.InvariantCulture),
            "--membership-death-timeout", ((int)DeathTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "--listen-metrics-urls", $"http://127.0.0.1:{metricsPort}");
        var after = await WaitForTableAsync(table, s => s.Find(old[0]) is null && s.Find(silent)?.Status == SiloStatus.Dead,
            $"{old[0]} removed and {silent} declared dead");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var metrics = await WaitForMetricsAsync(http, text => MetricsText.Value(text, "grainkv_membership_silos{status=\"Dead\"}") == 4,
            "the silo's last read showing the four dead rows");

        Assert.Equal([old[1], recent[0], recent[1], silent], after.Rows.Where(row => row.Status == SiloStatus.Dead).Select(row => row.Silo));
        Assert.Equal(1, MetricsText.Value(metrics, "grainkv_membership_silos{status=\"Active\"}"));
        Assert.Equal(0, MetricsText.Value(metrics, "grainkv_membership_silos{status=\"Joining\"}"));
        Assert.Equal(1, MetricsText.Value(metrics, "grainkv_membership_defunct_rows_removed_total"));
        Assert.Equal(1, MetricsText.Value(metrics, "grainkv_membership_deaths_declared_total{reason=\"MissedHeartbeats\"}"));
        Assert.True(MetricsText.Value(metrics, "grainkv_membership_heartbeats_total") > 0, metrics);
        Assert.Equal((await table.ReadAsync(CancellationToken.None)).Version, MetricsText.Value(metrics, "grainkv_membership_table_version"));
    }

    private async Task<MembershipCluster> StartAsync(Func<GrainKvCluster.Member, IEnumerable<string>>? moreArguments = null)
    {
        var connection = await postgres.Server.CreateDatabaseAsync($"membership_{Guid.NewGuid():N}");
        var cluster = await GrainKvCluster.StartAsync(3, member =>
        [
            "--membership-connection", connection,
            "--membership-heartbeat-interval", HeartbeatMs.ToString(CultureInfo.InvariantCulture),
            "--membership-death-timeout", ((int)DeathTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            .. moreArguments?.Invoke(member) ?? [],
        ]);
        try
        {
            return new MembershipCluster(cluster, await PostgresMembershipTable.OpenAsync(connection, GrainKvCluster.Token, CancellationToken.None), connection);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task SilosStoringOnOnePostgresServer_RecordTheSameServer_AndEachWarns()
    {
        // GrainKvCluster names its members infra1..infraN; each gets its own database, all on one server.
        var stores = new Dictionary<string, string>();
        foreach (var name in new[] { "infra1", "infra2", "infra3" })
        {
            stores[name] = await postgres.Server.CreateDatabaseAsync($"store_{name}_{Guid.NewGuid():N}");
        }
        await using var silos = await StartAsync(member => ["--storage", "postgres", "--postgres-connection", stores[member.Name]]);
        var (cluster, table) = (silos.Cluster, silos.Table);

        var started = await WaitForTableAsync(table, AllActive(cluster), "every silo Active");

        var identities = cluster.Members.Select(m => Serving(started, m.Name)!.StorageIdentity).Distinct().ToArray();
        Assert.NotNull(Assert.Single(identities));
        foreach (var member in cluster.Members)
        {
            var others = string.Join(", ", cluster.Members.Where(m => m != member).Select(m => m.Name));
            await member.Process!.WaitForOutputAsync($"silos {others} keep their Raft logs on the same PostgreSQL server as this silo (system identifier {identities[0]})", Patience);
        }
    }

    private static Func<MembershipSnapshot, bool> AllActive(GrainKvCluster cluster) =>
        snapshot => cluster.Members.All(m => Serving(snapshot, m.Name) is not null);

    /// <summary>The newest incarnation of <paramref name="name"/> if it is Active, else null.</summary>
    private static MembershipRow? Serving(MembershipSnapshot snapshot, string name) =>
        snapshot.Rows.Where(r => r.Silo.Name == name).MaxBy(r => r.Silo.Generation) is { Status: SiloStatus.Active } row ? row : null;

    private static async Task<MembershipSnapshot> WaitForTableAsync(PostgresMembershipTable table, Func<MembershipSnapshot, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var snapshot = await table.ReadAsync(CancellationToken.None);
            if (condition(snapshot)) return snapshot;
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not {what} within {Patience}; the table: {string.Join("; ", snapshot.Rows)}");
            }
            await Task.Delay(100);
        }
    }

    private static async Task<string> WaitForMetricsAsync(HttpClient http, Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var metrics = await http.GetStringAsync("/metrics");
            if (condition(metrics)) return metrics;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not {what} within {Patience}; /metrics:\n{metrics}");
            await Task.Delay(100);
        }
    }

    /// <summary>Puts through <paramref name="member"/>, retrying while the cluster elects a leader after a kill.</summary>
    private static async Task PutAsync(GrainKvCluster.Member member, string key, string value)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var client = new EtcdClient(member.ClientUrl);
            try
            {
                await client.PutAsync(key, value);
                return;
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Waits until <paramref name="member"/>'s own replica (a serializable read) has <paramref name="key"/> = <paramref name="value"/>.</summary>
    private static async Task WaitForValueAsync(GrainKvCluster.Member member, string key, string value)
    {
        using var client = new EtcdClient(member.ClientUrl);
        var deadline = DateTime.UtcNow + Patience;
        var request = new RangeRequest { Key = B(key), Serializable = true };
        while ((await client.RangeAsync(request)).Kvs.FirstOrDefault()?.Value.ToStringUtf8() != value)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{member.Name} did not have {key}={value} within {Patience}:\n{member.Process?.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>One PostgreSQL server for the class; each test makes its own membership database on it.</summary>
    public sealed class PostgresFixture : IAsyncLifetime
    {
        public PostgresServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    /// <summary>The silos, the membership table they share, and its connection string.</summary>
    private sealed record MembershipCluster(GrainKvCluster Cluster, PostgresMembershipTable Table, string Connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Cluster.Dispose();
            await Table.DisposeAsync();
        }
    }
}
