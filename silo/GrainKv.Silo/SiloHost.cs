using System.Net;
using GrainKv.Gateway;
using GrainKv.Grains.Compaction;
using GrainKv.Grains.Corruption;
using GrainKv.Grains.Group0;
using GrainKv.Grains;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Grains.Sharding;
using GrainKv.Hosting;
using GrainKv.MemberData;
using GrainKv.Orleans;
using GrainKv.Runtime.Cluster;
using GrainKv.Runtime.Grpc;
using GrainKv.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace GrainKv.Silo;

/// <summary>
/// Builds and runs one silo from its options: an Orleans silo hosting the shard grains (<see cref="SiloOrleans"/>),
/// group 0, the log store in the data dir, the per-silo replica driver, the peer streams on the peer URLs, and the
/// etcd API on the client URLs plus /metrics, /health and /version on the metrics URLs.
/// </summary>
public static partial class SiloHost
{
    /// <summary>How long a stopping silo waits for its services; past it the process ends (a supervisor's SIGKILL would follow).</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(SiloOptions options, CancellationToken ct)
    {
        if (ListenPreflight.Refusal(ListenEndpoints(options)) is { } refusal)
        {
            await Console.Error.WriteLineAsync($"grainkv: {refusal}");
            return 1;
        }
        var members = options.InitialCluster.Length > 0 ? InitialCluster.Parse(options.InitialCluster).Count : 1;
        if (InitialShardLayout.Refusal(options.InitialShards, options.ShardSplitKeys, options.Replicas, members) is { } layoutRefusal)
        {
            await Console.Error.WriteLineAsync($"grainkv: {layoutRefusal}");
            return 1;
        }
        Directory.CreateDirectory(options.DataDir);
        var identity = IdentityOf(options);
        var gatewayOptions = new GatewayOptions
        {
            MaxRequestBytes = options.MaxRequestBytes,
            MaxTxnOps = options.MaxTxnOps,
            RequestTimeout = TimeSpan.FromSeconds(5) + 2 * TimeSpan.FromMilliseconds(options.ElectionTimeoutMs),
        };

        var builder = WebApplication.CreateSlimBuilder(HostBuilderSettings.WebApplication);
        var logLevel = HostLogging.MinimumOf(options.LogLevel);
        HostLogging.Configure(builder.Logging, logLevel);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureForGrpc(options.ListenClientUrls.Concat(options.ListenPeerUrls));
            kestrel.ListenForDiagnostics(options.ListenMetricsUrls);
        });

        var services = builder.Services;
        services.AddSingleton(identity);
        services.AddSingleton<GrainCallsReady>();
        services.AddSingleton<ReplicaPlacement>();
        services.AddSiloCluster(ReplicaPlacement.SilosOf(identity));
        services.AddSingleton(new StorageServer(await SiloStorage.ServerIdentityAsync(options.StorageOptions, ct)));
        services.AddHostedService<SharedStorageCheck>();
        var shardMap = InitialShardLayout.FromFlags(identity.Members.Select(m => m.Id).ToArray(), options.InitialShards, options.ShardSplitKeys, options.Replicas);
        services.AddSingleton(shardMap);
        if (shardMap.HasSeveralShards) services.AddRevisionAllocator();
        services.AddSingleton(new ReplicationOptions
        {
            TickIntervalMs = options.HeartbeatIntervalMs,
            ElectionTicks = Math.Max(2, options.ElectionTimeoutMs / options.HeartbeatIntervalMs),
            SnapshotCount = options.SnapshotCount,
            WatchProgressNotifyInterval = GoDuration.Parse(options.WatchProgressNotifyInterval),
        });
        using var storeLoggers = LoggerFactory.Create(logging => HostLogging.Configure(logging, logLevel));
        var store = await SiloStorage.OpenAsync(options.StorageOptions, storeLoggers, ct);
        services.AddSingleton<IRaftLogStore>(store);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ReplicaDriver>();
        services.AddSingleton<IRaftMessageSink>(sp => sp.GetRequiredService<ReplicaDriver>());
        services.AddHostedService(sp => sp.GetRequiredService<ReplicaDriver>());
        services.AddSingleton<ReplicaStarter>();
        services.AddGroup0Replica();
        services.AddHostedService<MemberPublisher>();
        services.AddHostedService<PreferredLeaders>();
        if (AutoCompactionPolicy.Create(options.AutoCompactionMode, options.AutoCompactionRetention) is { } policy)
        {
            services.AddSingleton(policy);
            services.AddHostedService<AutoCompactor>();
        }
        if (CorruptionCheckOptions.Create(options.ExperimentalCorruptCheckTime, gatewayOptions.RequestTimeout) is { } corruptionCheck)
        {
            services.AddSingleton(corruptionCheck);
            services.AddHostedService<CorruptionMonitor>();
        }
        services.AddSingleton(_ => SiloStorage.DatabaseSize(options.StorageOptions));
        services.AddSingleton(sp => new BackendQuota(options.QuotaBackendBytes, sp.GetRequiredService<IDatabaseSize>(), identity));
        services.AddPrometheusMetrics(metrics => metrics.AddInstrumentation<EtcdServerMetrics>());
        services.AddSingleton<SiloFrontDoors>();
        services.AddSingleton<IShardFrontDoors>(sp => sp.GetRequiredService<SiloFrontDoors>());
        services.AddEtcdGateway(gatewayOptions);
        // Orleans' silo starts once membership does, which needs group 0, which needs Kestrel's peer listener; so all
        // start together. It stops before anything else, while group 0 can still take its leaving the cluster.
        services.Configure<HostOptions>(host =>
        {
            host.ServicesStartConcurrently = true;
            host.ShutdownTimeout = ShutdownTimeout;
        });
        builder.UseOrleans(silo => SiloOrleans.Configure(silo, options, gatewayOptions.RequestTimeout));
        services.AddHostedService<SiloLeavesFirst>();

        // Not disposed here: BoundedShutdown disposes it once it has stopped, and leaves it if it never does.
        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GrainKv.Silo");
        LogStarting(log, DiagnosticsEndpoints.GrainKvVersion, options.Name, identity.MemberId, options.DataDir,
            string.Join(',', options.ListenClientUrls), string.Join(',', options.ListenMetricsUrls));

        // Peer URLs carry silo-to-silo traffic (Raft messages, group 0's requests); client URLs the etcd API.
        var peerPorts = options.ListenPeerUrls.Select(u => u.Port).ToHashSet();
        app.MapWhen(http => peerPorts.Contains(http.Connection.LocalPort), peer => peer.UseRouting().UseEndpoints(e => e.MapSiloPeerService()));
        app.UseRouting();
        app.MapEtcdServices();
        app.MapDiagnostics();

        await BoundedShutdown.RunAsync(app, ShutdownTimeout, log, ct);
        return 0;
    }

    /// <summary>Every address the silo listens on: its URLs', and Orleans' silo and gateway ports on the advertised peer host.</summary>
    private static IEnumerable<IPEndPoint> ListenEndpoints(SiloOptions options)
    {
        var urls = options.ListenClientUrls.Concat(options.ListenPeerUrls).Concat(options.ListenMetricsUrls);
        var orleansHost = ListenPreflight.AddressOf(options.EffectiveAdvertisePeerUrls[0].Host);
        var orleans = orleansHost is null ? [] : new[] { options.OrleansSiloPort, options.OrleansGatewayPort }.Select(port => new IPEndPoint(orleansHost, port));
        return urls.SelectMany(ListenPreflight.EndpointsOf).Concat(orleans);
    }

    /// <summary>
    /// The member ids come from --initial-cluster (or this member alone); the data dir keeps the ids
    /// it was created with, and a data dir of another member or cluster is refused.
    /// </summary>
    private static ClusterIdentity IdentityOf(SiloOptions options)
    {
        var peerUrls = options.EffectiveAdvertisePeerUrls.Select(u => u.ToString().TrimEnd('/')).ToArray();
        var clientUrls = options.EffectiveAdvertiseClientUrls.Select(u => u.ToString().TrimEnd('/')).ToArray();
        var members = options.InitialCluster.Length > 0
            ? InitialCluster.Parse(options.InitialCluster)
            : [EtcdMember.Create(options.Name, peerUrls)];
        var self = members.FirstOrDefault(m => m.Name == options.Name)
            ?? throw new ArgumentException($"--initial-cluster does not name this member ('{options.Name}')");
        var (clusterId, memberId) = MemberIdFile.LoadOrCreate(options.DataDir,
            ClusterIdentity.ClusterIdOf(options.InitialClusterToken, members), self.Id);
        if (options.InitialCluster.Length == 0)
        {
            // A lone member keeps the id its data dir was created with, whatever its URLs are now.
            members = [self with { Id = memberId }];
        }
        else if (memberId != self.Id)
        {
            throw new InvalidOperationException(
                $"data dir {options.DataDir} belongs to member {memberId:x16}, but --initial-cluster makes '{options.Name}' {self.Id:x16}");
        }
        return new ClusterIdentity(clusterId, memberId, options.Name, peerUrls, clientUrls, members);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GrainKv {Version} starting: member {Name} ({MemberId:x16}), data dir {DataDir}, client URLs {ClientUrls}, metrics URLs {MetricsUrls}")]
    private static partial void LogStarting(ILogger log, string version, string name, ulong memberId, string dataDir, string clientUrls, string metricsUrls);
}
