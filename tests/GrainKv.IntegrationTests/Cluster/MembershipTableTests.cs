using System.Diagnostics;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Testing.Postgres;
using Grpc.Core;
using Npgsql;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>
/// Three silo processes (SQLite storage) clustered by Orleans' ADO.NET membership table in a real PostgreSQL: a
/// SIGKILLed silo is declared dead by the others within seconds and rejoins as a new generation when restarted; a silo
/// whose row is marked dead stops itself; silos storing on one PostgreSQL server say so.
/// </summary>
public sealed class MembershipTableTests(MembershipTableTests.PostgresFixture postgres) : IClassFixture<MembershipTableTests.PostgresFixture>
{
    /// <summary>Orleans' <c>SiloStatus</c> values as the table stores them.</summary>
    private const int Active = 3;
    private const int Dead = 6;

    /// <summary>Orleans' defaults take 15 s to declare a killed silo dead; GrainKv's failure detection, about a second.</summary>
    private static readonly TimeSpan DeclaredDeadWithin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task KilledSilo_IsDeclaredDeadWithinSeconds_AndRejoinsAsNewGenerationWhenRestarted()
    {
        using var silos = await StartAsync();
        var cluster = silos.Cluster;
        var started = await WaitForTableAsync(silos, AllActive(cluster), "every silo Active");
        var victim = cluster.Members[2];
        var survivors = cluster.Members.Take(2).ToArray();
        var killed = Serving(started, victim.Name)!;

        var killedAt = Stopwatch.StartNew();
        cluster.Kill(victim);
        var afterKill = await WaitForTableAsync(silos, rows => rows.Any(r => r.Same(killed) && r.Status == Dead), $"{killed} declared dead");
        var declaredAfter = killedAt.Elapsed;

        Assert.True(declaredAfter < DeclaredDeadWithin, $"declared dead {declaredAfter.TotalMilliseconds} ms after the kill");
        Assert.All(survivors, s => Assert.Equal(Serving(started, s.Name), Serving(afterKill, s.Name)));
        await PutAsync(survivors[0], "membership/while-dead", "1");
        using (var other = new EtcdClient(survivors[1].ClientUrl))
        {
            Assert.Single((await other.RangeAsync(new RangeRequest { Key = B("membership/while-dead") })).Kvs);
        }

        await cluster.RestartAsync(victim);
        var rejoined = await WaitForTableAsync(silos, rows => Serving(rows, victim.Name)?.Generation > killed.Generation,
            $"{victim.Name} Active again as a new generation");

        Assert.Equal(Dead, rejoined.Single(r => r.Same(killed)).Status);
        Assert.Equal(3, rejoined.Count(r => r.Status == Active));
        await WaitForValueAsync(victim, "membership/while-dead", "1");
        await PutAsync(victim, "membership/after-rejoin", "2");
        await WaitForValueAsync(survivors[1], "membership/after-rejoin", "2");
    }

    [Fact]
    public async Task SiloMarkedDeadInTheTable_StopsItself_OthersServeOn()
    {
        using var silos = await StartAsync();
        var cluster = silos.Cluster;
        var started = await WaitForTableAsync(silos, AllActive(cluster), "every silo Active");
        var victim = cluster.Members[1];
        var row = Serving(started, victim.Name)!;

        await using (var dataSource = NpgsqlDataSource.Create(silos.Connection))
        await using (var declare = dataSource.CreateCommand("UPDATE orleans_membership SET status = 6 WHERE silo_name = $1 AND generation = $2"))
        await using (var bump = dataSource.CreateCommand("UPDATE orleans_membership_version SET version = version + 1"))
        {
            declare.Parameters.AddWithValue(row.Name);
            declare.Parameters.AddWithValue(row.Generation);
            Assert.Equal(1, await declare.ExecuteNonQueryAsync());
            Assert.Equal(1, await bump.ExecuteNonQueryAsync());
        }
        await victim.Process!.WaitForExitAsync(Patience);

        Assert.True(victim.Process.ExitCode != 0, $"exit code {victim.Process.ExitCode}:\n{victim.Process.Output}");
        Assert.Contains("I have been told I am dead", victim.Process.Output);
        await PutAsync(cluster.Members[0], "membership/after-stop", "1");
        await WaitForValueAsync(cluster.Members[2], "membership/after-stop", "1");
    }

    [Fact]
    public async Task SilosStoringOnOnePostgresServer_EachWarns()
    {
        // GrainKvCluster names its members infra1..infraN; each gets its own database, all on one server.
        var stores = new Dictionary<string, string>();
        foreach (var name in new[] { "infra1", "infra2", "infra3" })
        {
            stores[name] = await postgres.Server.CreateDatabaseAsync($"store_{name}_{Guid.NewGuid():N}");
        }
        using var silos = await StartAsync(member => ["--storage", "postgres", "--postgres-connection", stores[member.Name]]);
        var cluster = silos.Cluster;
        await using var dataSource = NpgsqlDataSource.Create(stores["infra1"]);
        await using var query = dataSource.CreateCommand("SELECT system_identifier FROM pg_control_system()");
        var identifier = (long)(await query.ExecuteScalarAsync())!;

        foreach (var member in cluster.Members)
        {
            var others = string.Join(", ", cluster.Members.Where(m => m != member).Select(m => m.Name));
            await member.Process!.WaitForOutputAsync($"Members {others} keep their Raft logs on the same PostgreSQL server as this silo (system identifier {identifier})", Patience);
        }
    }

    private async Task<MembershipCluster> StartAsync(Func<GrainKvCluster.Member, IEnumerable<string>>? moreArguments = null)
    {
        var connection = await postgres.Server.CreateDatabaseAsync($"membership_{Guid.NewGuid():N}");
        var cluster = await GrainKvCluster.StartAsync(3, member => ["--membership-connection", connection, .. moreArguments?.Invoke(member) ?? []]);
        return new MembershipCluster(cluster, connection);
    }

    private static Func<IReadOnlyList<SiloRow>, bool> AllActive(GrainKvCluster cluster) =>
        rows => cluster.Members.All(m => Serving(rows, m.Name) is not null);

    /// <summary>The newest generation of <paramref name="name"/> if it is Active, else null.</summary>
    private static SiloRow? Serving(IReadOnlyList<SiloRow> rows, string name) =>
        rows.Where(r => r.Name == name).MaxBy(r => r.Generation) is { Status: Active } row ? row : null;

    private static async Task<IReadOnlyList<SiloRow>> WaitForTableAsync(MembershipCluster silos, Func<IReadOnlyList<SiloRow>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var rows = await ReadTableAsync(silos.Connection);
            if (condition(rows)) return rows;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not {what} within {Patience}; the table: {string.Join("; ", rows)}");
            await Task.Delay(50);
        }
    }

    private static async Task<IReadOnlyList<SiloRow>> ReadTableAsync(string connection)
    {
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using var query = dataSource.CreateCommand(
            "SELECT silo_name, port, generation, status FROM orleans_membership WHERE deployment_id = $1");
        query.Parameters.AddWithValue(GrainKvCluster.Token);
        var rows = new List<SiloRow>();
        try
        {
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(new SiloRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3)));
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Not made yet: the first silo creates it as it starts.
        }
        return rows;
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

    /// <summary>One silo's row in Orleans' membership table: a silo is its endpoint and generation.</summary>
    private sealed record SiloRow(string Name, int Port, int Generation, int Status)
    {
        public bool Same(SiloRow other) => Port == other.Port && Generation == other.Generation;
    }

    private sealed record MembershipCluster(GrainKvCluster Cluster, string Connection) : IDisposable
    {
        public void Dispose() => Cluster.Dispose();
    }

    /// <summary>One PostgreSQL server for the class; each test makes its own membership database on it.</summary>
    public sealed class PostgresFixture : IAsyncLifetime
    {
        public PostgresServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
