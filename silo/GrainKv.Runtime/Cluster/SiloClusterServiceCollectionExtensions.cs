using GrainKv.Runtime.Grpc;
using Microsoft.Extensions.DependencyInjection;

namespace GrainKv.Runtime.Cluster;

public static class SiloClusterServiceCollectionExtensions
{
    /// <summary>
    /// Makes this silo a member of <paramref name="membership"/>: <see cref="IRaftTransport"/> sends Raft messages
    /// to its peers. Serve the other side with <see cref="SiloPeerRouting.MapSiloPeerService"/>, which also needs an
    /// <see cref="IRaftMessageSink"/> registered. Call it before registering the services that need the peer streams
    /// while they stop (<see cref="PeerStreamLifetime"/>).
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
        services.AddSingleton<PeerStreamLifetime>();
        services.AddHostedService(provider => provider.GetRequiredService<PeerStreamLifetime>());
        services.AddSingleton<SiloMessagingMetrics>();
        services.AddSingleton<SiloConnections>();
        services.AddSingleton<IRaftTransport>(provider => provider.GetRequiredService<SiloConnections>());
        // Snapshots arrive in chunks, but a silo from before chunks sends a whole shard's state in one message.
        services.AddGrpcWithGoWire().AddServiceOptions<SiloServices>(grpc => grpc.MaxReceiveMessageSize = null);
        return services;
    }
}
