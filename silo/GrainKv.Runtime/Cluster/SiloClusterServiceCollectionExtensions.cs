using GrainKv.Runtime.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GrainKv.Runtime.Cluster;

public static class SiloClusterServiceCollectionExtensions
{
    /// <summary>
    /// Makes this silo a member of <paramref name="membership"/>: its identity comes from the membership,
    /// grains are placed by <see cref="SiloClusterOptions.GrainPlacement"/>, grain calls placed on another
    /// silo go there, and <see cref="IRaftTransport"/> sends Raft messages to peers. Serve the other side
    /// with <see cref="SiloPeerRouting.MapSiloPeerService"/>, which also needs an <see cref="IRaftMessageSink"/> registered.
    /// Works before or after AddGrainRuntime.
    /// </summary>
    public static IServiceCollection AddSiloCluster(this IServiceCollection services, StaticMembership membership,
        Action<SiloClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(membership);
        var options = new SiloClusterOptions();
        configure?.Invoke(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SnapshotChunkBytes);
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton(membership);
        services.AddSingleton(options);
        services.Replace(ServiceDescriptor.Singleton<ILocalSiloDetails>(membership));
        services.Replace(ServiceDescriptor.Singleton<IPlacementDirector>(provider =>
            new PinnedPlacementDirector(membership, options.GrainPlacement?.Invoke(provider) ?? (static _ => null))));
        services.AddSingleton<SiloMessagingMetrics>();
        services.AddSingleton<SiloConnections>();
        services.AddSingleton<IRaftTransport>(provider => provider.GetRequiredService<SiloConnections>());
        services.AddSingleton<RemoteGrainCaller>();
        services.AddSingleton<RemoteGrainCallHandler>();
        // Snapshots arrive in chunks, but a silo from before chunks sends a whole shard's state in one message.
        services.AddGrpcWithGoWire().AddServiceOptions<SiloServices>(grpc => grpc.MaxReceiveMessageSize = null);
        return services;
    }
}
