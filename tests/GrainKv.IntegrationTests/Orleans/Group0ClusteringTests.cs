using System.Net;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Orleans.Clustering;
using GrainKv.Orleans.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace GrainKv.IntegrationTests.Orleans;

/// <summary>
/// Real Orleans silos and a real Orleans client clustering through the membership table in a GrainKv cluster's
/// group 0 (<see cref="Group0ClusteringExtensions"/>): no PostgreSQL, and no member whose loss stops membership.
/// </summary>
public sealed class Group0ClusteringTests
{
    private const string Cluster = "group0-clustering";

    [Fact]
    public async Task SilosAndClientClusterThroughGroup0_AndKeepDoingSoWithTheFirstMemberDown()
    {
        using var grainkv = await GrainKvCluster.StartAsync();
        using var a = Silo(grainkv, "orleans-a");
        using var b = Silo(grainkv, "orleans-b");
        await Task.WhenAll(a.StartAsync(), b.StartAsync());
        await using var table = Group0Services.For(grainkv, Cluster).BuildServiceProvider();

        Assert.Equal(new Dictionary<string, SiloStatus> { ["orleans-a"] = SiloStatus.Active, ["orleans-b"] = SiloStatus.Active }, await StatusesAsync(table));
        using var client = Client(grainkv);
        await client.StartAsync();
        var hosts = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);

        grainkv.Kill(grainkv.Members[0]);
        using var c = Silo(grainkv, "orleans-c");
        await c.StartAsync();
        await b.StopAsync();

        Assert.Equal(new Dictionary<string, SiloStatus>
        {
            ["orleans-a"] = SiloStatus.Active,
            ["orleans-b"] = SiloStatus.Dead,
            ["orleans-c"] = SiloStatus.Active,
        }, await StatusesAsync(table));
        await client.StopAsync();
        await c.StopAsync();
        await a.StopAsync();
    }

    private static async Task<Dictionary<string, SiloStatus>> StatusesAsync(IServiceProvider group0) =>
        (await group0.GetRequiredService<Group0MembershipTable>().ReadAll()).Members.ToDictionary(m => m.Item1.SiloName, m => m.Item1.Status);

    private static IHost Silo(GrainKvCluster grainkv, string name) =>
        new HostBuilder()
            .ConfigureServices(services => Group0Services.AddClient(services, grainkv))
            .UseOrleans(silo => silo
                .UseGroup0Clustering()
                .UseGrainKvFailureDetection()
                .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (Cluster, Cluster))
                .Configure<SiloOptions>(options => options.SiloName = name)
                .ConfigureEndpoints(IPAddress.Loopback, FreePort.Next(), FreePort.Next()))
            .Build();

    private static IHost Client(GrainKvCluster grainkv) =>
        new HostBuilder()
            .ConfigureServices(services => Group0Services.AddClient(services, grainkv))
            .UseOrleansClient(client => client
                .UseGroup0Clustering()
                .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (Cluster, Cluster)))
            .Build();
}
