using Etcdserverpb;
using GrainKv.Gateway.Coordination;
using GrainKv.Gateway.Errors;
using GrainKv.Gateway.Routing;
using GrainKv.Gateway.Services;
using GrainKv.Runtime.Grpc;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using V3Electionpb;
using V3Lockpb;

namespace GrainKv.Gateway;

/// <summary>The etcd v3 API as GrainKv serves it: which gRPC paths exist and who answers them.</summary>
public static class EtcdGateway
{
    /// <summary>
    /// The etcd services, routed through the registered <see cref="Runtime.IGrainFactory"/>. Watches come from this
    /// silo's replicas unless an <see cref="IWatchSource"/> was registered before.
    /// </summary>
    public static IServiceCollection AddEtcdGateway(this IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton(options);
        services.TryAddSingleton<IWatchSource, LocalWatchSource>();
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
        return services;
    }

    /// <summary>
    /// Every etcd service exists on the wire: what is built answers, the rest is Unimplemented with
    /// a clear message. Exceptions leave through <see cref="EtcdErrors"/>.
    /// </summary>
    public static GrpcServiceRegistry CreateRegistry(IServiceProvider services)
    {
        var registry = new GrpcServiceRegistry();
        var kv = services.GetRequiredService<KvService>();
        registry.AddUnary<RangeRequest, RangeResponse>("/etcdserverpb.KV/Range", RangeRequest.Parser, kv.Range);
        registry.AddUnary<PutRequest, PutResponse>("/etcdserverpb.KV/Put", PutRequest.Parser, kv.Put);
        registry.AddUnary<DeleteRangeRequest, DeleteRangeResponse>("/etcdserverpb.KV/DeleteRange", DeleteRangeRequest.Parser, kv.DeleteRange);
        registry.AddUnary<TxnRequest, TxnResponse>("/etcdserverpb.KV/Txn", TxnRequest.Parser, kv.Txn);
        registry.AddUnary<CompactionRequest, CompactionResponse>("/etcdserverpb.KV/Compact", CompactionRequest.Parser, kv.Compact);

        var watch = services.GetRequiredService<WatchService>();
        registry.AddDuplexStreaming<WatchRequest, WatchResponse>("/etcdserverpb.Watch/Watch", WatchRequest.Parser, watch.Watch);

        var lease = services.GetRequiredService<LeaseService>();
        registry.AddUnary<LeaseGrantRequest, LeaseGrantResponse>("/etcdserverpb.Lease/LeaseGrant", LeaseGrantRequest.Parser, lease.LeaseGrant);
        registry.AddUnary<LeaseRevokeRequest, LeaseRevokeResponse>("/etcdserverpb.Lease/LeaseRevoke", LeaseRevokeRequest.Parser, lease.LeaseRevoke);
        registry.AddUnary<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>("/etcdserverpb.Lease/LeaseTimeToLive", LeaseTimeToLiveRequest.Parser, lease.LeaseTimeToLive);
        registry.AddUnary<LeaseLeasesRequest, LeaseLeasesResponse>("/etcdserverpb.Lease/LeaseLeases", LeaseLeasesRequest.Parser, lease.LeaseLeases);
        registry.AddDuplexStreaming<LeaseKeepAliveRequest, LeaseKeepAliveResponse>("/etcdserverpb.Lease/LeaseKeepAlive", LeaseKeepAliveRequest.Parser, lease.LeaseKeepAlive);

        var maintenance = services.GetRequiredService<MaintenanceService>();
        registry.AddUnary<StatusRequest, StatusResponse>("/etcdserverpb.Maintenance/Status", StatusRequest.Parser, maintenance.Status);
        registry.AddUnary<HashKVRequest, HashKVResponse>("/etcdserverpb.Maintenance/HashKV", HashKVRequest.Parser, maintenance.HashKV);
        registry.AddUnary<MoveLeaderRequest, MoveLeaderResponse>("/etcdserverpb.Maintenance/MoveLeader", MoveLeaderRequest.Parser, maintenance.MoveLeader);
        registry.AddUnary<HashRequest, HashResponse>("/etcdserverpb.Maintenance/Hash", HashRequest.Parser, maintenance.Hash);
        registry.AddUnary<DefragmentRequest, DefragmentResponse>("/etcdserverpb.Maintenance/Defragment", DefragmentRequest.Parser, maintenance.Defragment);
        registry.AddServerStreaming<SnapshotRequest, SnapshotResponse>("/etcdserverpb.Maintenance/Snapshot", SnapshotRequest.Parser, maintenance.Snapshot);
        registry.AddUnary<AlarmRequest, AlarmResponse>("/etcdserverpb.Maintenance/Alarm", AlarmRequest.Parser, maintenance.Alarm);

        var cluster = services.GetRequiredService<ClusterService>();
        registry.AddUnary<MemberListRequest, MemberListResponse>("/etcdserverpb.Cluster/MemberList", MemberListRequest.Parser, cluster.MemberList);

        var locks = services.GetRequiredService<LockService>();
        registry.AddUnary<LockRequest, LockResponse>("/v3lockpb.Lock/Lock", LockRequest.Parser, locks.Lock);
        registry.AddUnary<UnlockRequest, UnlockResponse>("/v3lockpb.Lock/Unlock", UnlockRequest.Parser, locks.Unlock);

        var election = services.GetRequiredService<ElectionService>();
        registry.AddUnary<CampaignRequest, CampaignResponse>("/v3electionpb.Election/Campaign", CampaignRequest.Parser, election.Campaign);
        registry.AddUnary<ProclaimRequest, ProclaimResponse>("/v3electionpb.Election/Proclaim", ProclaimRequest.Parser, election.Proclaim);
        registry.AddUnary<LeaderRequest, LeaderResponse>("/v3electionpb.Election/Leader", LeaderRequest.Parser, election.Leader);
        registry.AddServerStreaming<LeaderRequest, LeaderResponse>("/v3electionpb.Election/Observe", LeaderRequest.Parser, election.Observe);
        registry.AddUnary<ResignRequest, ResignResponse>("/v3electionpb.Election/Resign", ResignRequest.Parser, election.Resign);

        var health = services.GetRequiredService<HealthService>();
        registry.AddUnary<HealthCheckRequest, HealthCheckResponse>("/grpc.health.v1.Health/Check", HealthCheckRequest.Parser, health.Check);

        registry.AddUnimplemented(RpcReflection.Descriptor.Services);
        registry.AddUnimplemented(HealthReflection.Descriptor.Services);
        return registry;
    }

    public static GrpcServerOptions ServerOptions(GatewayOptions options) => new()
    {
        MaxReceiveMessageBytes = options.MaxReceiveMessageBytes,
        MapException = EtcdErrors.ToStatus,
    };
}
