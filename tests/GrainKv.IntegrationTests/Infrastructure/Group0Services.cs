using GrainKv.Grains.Cluster;
using GrainKv.Grains.Group0;
using GrainKv.Orleans.Membership;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>What a process that is no member needs to reach a GrainKv cluster's group 0 (as a stand-alone gateway does).</summary>
internal static class Group0Services
{
    public static IServiceCollection AddClient(IServiceCollection services, GrainKvCluster silos)
    {
        var cluster = ClusterBootstrap.FromInitialCluster(silos.InitialCluster, GrainKvCluster.Token);
        return services
            .AddSingleton(ClusterIdentity.NonMember(cluster))
            .AddGroup0Client();
    }

    /// <summary>Group 0's client and the membership table of Orleans cluster <paramref name="clusterId"/> in it.</summary>
    public static IServiceCollection For(GrainKvCluster silos, string clusterId) =>
        AddClient(new ServiceCollection(), silos)
            .AddLogging()
            .AddSerializer()
            .Configure<ClusterOptions>(options => options.ClusterId = clusterId)
            .AddSingleton<Group0MembershipTable>();
}
