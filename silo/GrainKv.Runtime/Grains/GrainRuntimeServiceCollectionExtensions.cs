using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GrainKv.Runtime;

public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the grain runtime: an <see cref="IGrainFactory"/>, the grain classes registered in
    /// <paramref name="configure"/>, local placement and a hosted service that collects idle
    /// activations and deactivates all of them at shutdown.
    /// </summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, Action<GrainRuntimeOptions> configure)
    {
        var options = new GrainRuntimeOptions();
        configure(options);
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(new GrainTypeRegistry(options.Grains));
        services.TryAddSingleton<ILocalSiloDetails, LocalSiloDetails>();
        services.TryAddSingleton<IPlacementDirector, LocalPlacementDirector>();
        services.AddSingleton<GrainCatalog>();
        services.AddSingleton<GrainCallRouter>();
        services.AddSingleton<IGrainFactory>(provider =>
            new GrainFactory(provider.GetRequiredService<GrainTypeRegistry>().GetInterface, provider.GetRequiredService<GrainCallRouter>()));
        services.AddHostedService<GrainRuntimeHostedService>();
        return services;
    }
}
