using System.Diagnostics;
using System.Net;
using GrainKv.Orleans.Clustering;
using GrainKv.Testing.Network;
using GrainKv.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace GrainKv.Orleans.Tests.Clustering;

/// <summary>
/// Real silos (<c>UseOrleans</c> hosts on loopback TCP) and a real client clustering through PostgreSQL with
/// <see cref="PostgresClusteringExtensions.UsePostgresClustering(ISiloBuilder, string)"/>, from an empty database.
/// </summary>
public sealed class PostgresClusteringTests(PostgresServerFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresServerFixture>
{
    private const string Cluster = "grainkv-test";
    private const int Active = 3;
    private const int Dead = 6;

    [Fact]
    public async Task TwoSilosStartedTogetherOnEmptyDatabase_FormOneCluster_ClientCalls_GracefulStopLeavesItsRowDead()
    {
        var database = await postgres.CreateDatabaseAsync();
        var clock = Stopwatch.StartNew();
        using var a = Silo(database, "silo-a");
        using var b = Silo(database, "silo-b");

        await Task.WhenAll(a.StartAsync(), b.StartAsync());
        output.WriteLine($"both silos started: {clock.ElapsedMilliseconds} ms");

        Assert.Equal(new Dictionary<string, int> { ["silo-a"] = Active, ["silo-b"] = Active }, await ClusteringSql.MemberStatusesAsync(database, Cluster));
        Assert.Equal(ClusteringSchema.LatestVersion, Assert.Single(await ClusteringSql.SchemaRowsAsync(database)).Version);
        var siloAddresses = new[] { SiloAddressOf(a), SiloAddressOf(b) };
        Assert.Equal(2, ActiveMembers(a).Length);

        using var client = Client(database);
        await client.StartAsync();
        output.WriteLine($"client connected: {clock.ElapsedMilliseconds} ms");
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var hosts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => grains.GetGrain<IClusterProbeGrain>($"probe-{i}").Silo()));
        output.WriteLine($"grains called: {clock.ElapsedMilliseconds} ms, on {string.Join(", ", hosts.Distinct())}");
        Assert.All(hosts, host => Assert.Contains(host, siloAddresses));

        await b.StopAsync();
        output.WriteLine($"silo-b stopped: {clock.ElapsedMilliseconds} ms");

        Assert.Equal(new Dictionary<string, int> { ["silo-a"] = Active, ["silo-b"] = Dead }, await ClusteringSql.MemberStatusesAsync(database, Cluster));
        await client.StopAsync();
        await a.StopAsync();
    }

    [Fact]
    public async Task ClientStartedOnEmptyDatabase_CreatesTheSchemaBeforeAskingForGateways()
    {
        var database = await postgres.CreateDatabaseAsync();
        // No silo: the start fails for want of a gateway, which it could learn only by reading our statements.
        using var client = Client(database, retryConnecting: false);

        var failure = await Assert.ThrowsAsync<SiloUnavailableException>(() => client.StartAsync());

        Assert.Contains("gateway", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ClusteringSchema.LatestVersion, Assert.Single(await ClusteringSql.SchemaRowsAsync(database)).Version);
    }

    [Fact]
    public void UseGrainKvFailureDetection_SetsGrainKvsMembershipTimes()
    {
        using var silo = new HostBuilder().UseOrleans(builder => builder.UseLocalhostClustering().UseGrainKvFailureDetection()).Build();

        var options = silo.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;

        Assert.Equal(
            (TimeSpan.FromSeconds(2), 2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)),
            (options.ProbeTimeout, options.NumMissedProbesLimit, options.TableRefreshTimeout, options.IAmAliveTablePublishTimeout));
    }

    private static IHost Silo(string database, string name) =>
        new HostBuilder()
            .UseOrleans(silo => silo
                .UsePostgresClustering(database)
                .UseGrainKvFailureDetection()
                .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (Cluster, Cluster))
                .Configure<SiloOptions>(options => options.SiloName = name)
                .ConfigureEndpoints(IPAddress.Loopback, FreePort.Next(), FreePort.Next()))
            .Build();

    private static IHost Client(string database, bool retryConnecting = true) =>
        new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.UsePostgresClustering(database)
                    .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (Cluster, Cluster));
                if (!retryConnecting) client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            })
            .Build();

    private static string SiloAddressOf(IHost silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

    private static SiloAddress[] ActiveMembers(IHost silo) =>
        silo.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active).Select(member => member.SiloAddress).ToArray();
}
