using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Messaging;

namespace GrainKv.Orleans.Membership;

/// <summary>
/// Orleans clustering through the membership table in group 0 (<see cref="Group0MembershipTable"/>), for clusters
/// started with etcd's flags and no PostgreSQL. The host registers group 0's client (AddGroup0Replica on a member's
/// silo, AddGroup0Client elsewhere).
/// </summary>
public static class Group0ClusteringExtensions
{
    public static ISiloBuilder UseGroup0Clustering(this ISiloBuilder builder) =>
        builder.ConfigureServices(services => services.AddSingleton<IMembershipTable, Group0MembershipTable>());

    public static IClientBuilder UseGroup0Clustering(this IClientBuilder builder) =>
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<Group0MembershipTable>();
            services.AddSingleton<IGatewayListProvider, Group0GatewayListProvider>();
        });
}
