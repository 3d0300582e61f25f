using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Membership;

public static class MembershipServiceCollectionExtensions
{
    /// <summary>
    /// Makes this silo a member of the PostgreSQL membership table at <paramref name="connectionString"/> under
    /// <paramref name="cluster"/>: <see cref="MembershipAgent"/> runs as a hosted service, and <see cref="ISiloDirectory"/>
    /// is its <see cref="MembershipView"/>, so peer connections follow the table's addresses. Its instruments are on the
    /// <see cref="MembershipMetrics.MeterName"/> meter.
    /// </summary>
    public static IServiceCollection AddPostgresMembership(this IServiceCollection services, string connectionString, string cluster,
        SiloRegistration registration, MembershipOptions options)
    {
        options.Validated();
        services.AddSingleton(new MembershipView(options.DeathTimeout));
        services.AddSingleton<ISiloDirectory>(provider => provider.GetRequiredService<MembershipView>());
        services.AddMetrics();
        services.AddSingleton<MembershipMetrics>();
        services.AddSingleton(provider => new MembershipAgent(connectionString, cluster, registration, options,
            provider.GetRequiredService<MembershipView>(), provider.GetRequiredService<MembershipMetrics>(),
            provider.GetRequiredService<IHostApplicationLifetime>(), provider.GetRequiredService<ILogger<MembershipAgent>>()));
        services.AddHostedService(provider => provider.GetRequiredService<MembershipAgent>());
        return services;
    }
}
