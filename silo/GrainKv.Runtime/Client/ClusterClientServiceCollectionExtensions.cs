using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime.Client;

public static class ClusterClientServiceCollectionExtensions
{
    /// <summary>
    /// Makes this process a cluster client of the silos the registered <see cref="ISiloDirectory"/> finds:
    /// <see cref="IClusterClient"/> and <see cref="IGrainFactory"/> hand out references to grains on them.
    /// <paramref name="configure"/> may read other services, to place grains for one.
    /// </summary>
    public static IServiceCollection AddClusterClient(this IServiceCollection services, Action<IServiceProvider, ClusterClientOptions>? configure = null)
    {
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider =>
        {
            var options = new ClusterClientOptions();
            configure?.Invoke(provider, options);
            return new ClusterClient(provider.GetRequiredService<ISiloDirectory>(), options,
                provider.GetRequiredService<ILoggerFactory>(), provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<IClusterClient>(provider => provider.GetRequiredService<ClusterClient>());
        services.AddSingleton<IGrainFactory>(provider => provider.GetRequiredService<ClusterClient>());
        return services;
    }
}
