using GrainKv.Gateway.Coordination;
using GrainKv.Grains.Replication;
using GrainKv.Grains.Cluster;
using GrainKv.Gateway.Errors;
using GrainKv.Gateway.Routing;
using GrainKv.Gateway.Services;
using GrainKv.Runtime.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GrainKv.Gateway;

/// <summary>The etcd v3 API as GrainKv serves it: which gRPC paths exist and who answers them.</summary>
public static class EtcdGateway
{
    /// <summary>
    /// The etcd services, routed through the shards' front doors: the registered <see cref="IShardFrontDoors"/> if any,
    /// else their grains through the registered Orleans <see cref="Orleans.IGrainFactory"/>. Watches come from this
    /// silo's replicas unless an <see cref="IWatchSource"/> was registered before; grains are called at once unless a
    /// <see cref="GrainCallsReady"/> was registered before.
    /// </summary>
    public static IServiceCollection AddEtcdGateway(this IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton(options);
        services.AddGrpcWithGoWire(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageBytes;
            grpc.Interceptors.Add<EtcdErrorInterceptor>();
        });
        services.TryAddSingleton<IWatchSource, LocalWatchSource>();
        services.TryAddSingleton(GrainCallsReady.Already());
        services.TryAddSingleton<IShardFrontDoors, GrainFrontDoors>();
        services.AddSingleton<ShardLeaders>();
        services.AddSingleton<ShardClient>();
        services.AddSingleton<ClusterAlarms>();
        services.AddSingleton<KvService>();
        services.AddSingleton<MemberReplicas>();
        services.AddSingleton<MaintenanceService>();
        services.AddSingleton<ClusterService>();
        services.AddSingleton<HealthService>();
        services.AddSingleton<LeaseService>();
        services.AddSingleton<WatchService>();
        services.AddSingleton<KeyWatcher>();
        services.AddSingleton<RecipeClient>();
        services.AddSingleton<LockService>();
        services.AddSingleton<ElectionService>();
        services.AddSingleton<AuthService>();
        services.AddSingleton<ShardAdminService>();
        return services;
    }

    /// <summary>
    /// Every etcd service exists on the wire: what is built answers, the rest is Unimplemented naming the method.
    /// Exceptions leave through <see cref="EtcdErrorInterceptor"/>.
    /// </summary>
    public static void MapEtcdServices(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<KvService>();
        endpoints.MapGrpcService<WatchService>();
        endpoints.MapGrpcService<LeaseService>();
        endpoints.MapGrpcService<MaintenanceService>();
        endpoints.MapGrpcService<ClusterService>();
        endpoints.MapGrpcService<AuthService>();
        endpoints.MapGrpcService<LockService>();
        endpoints.MapGrpcService<ElectionService>();
        endpoints.MapGrpcService<HealthService>();
        endpoints.MapGrpcService<ShardAdminService>();
    }
}
