using GrainKv.Client;
using GrainKv.Gateway.Routing;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;
using GrainKv.Hosting;
using GrainKv.Membership;
using GrainKv.Runtime;
using GrainKv.Runtime.Client;
using GrainKv.Runtime.Cluster;
using GrainKv.Runtime.Grpc;
using GrainKv.Runtime.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Gateway;

/// <summary>
/// Builds and runs a stand-alone gateway: the etcd API of <see cref="EtcdGateway"/> on the client URLs, a
/// cluster client of the silos behind it (no grains, no storage of its own), watches relayed from the
/// silos, and /metrics, /health and /version on the metrics URLs.
/// </summary>
public static partial class GatewayHost
{
    public static async Task<int> RunAsync(StandaloneGatewayOptions options, CancellationToken ct)
    {
        if (options.InitialCluster.Length == 0) throw new ArgumentException("--initial-cluster must name the silos, as they were bootstrapped.");
        var members = InitialCluster.Parse(options.InitialCluster);
        // The gateway is no member: it answers with the ids of the members that served each request.
        var identity = new ClusterIdentity(ClusterIdentity.ClusterIdOf(options.InitialClusterToken, members), MemberId: 0, MemberName: "",
            PeerUrls: [], ClientUrls: [], members);
        var gatewayOptions = new GatewayOptions
        {
            MaxRequestBytes = options.MaxRequestBytes,
            MaxTxnOps = options.MaxTxnOps,
            RequestTimeout = TimeSpan.FromSeconds(5) + 2 * TimeSpan.FromMilliseconds(options.ElectionTimeoutMs),
        };

        await using var directory = await SiloDirectoryOf(options, members, ct);
        var builder = WebApplication.CreateSlimBuilder();
        HostLogging.Configure(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureForGrpc(options.ListenClientUrls);
            kestrel.ListenForDiagnostics(options.ListenMetricsUrls);
        });

        var services = builder.Services;
        services.AddSingleton(identity);
        services.AddSingleton(ShardMap.OneShard(members.Select(m => m.Id).ToArray()));
        services.AddSingleton(directory.Silos);
        services.AddClusterClient((provider, client) =>
            client.Placement = new GatewayPlacement(identity, provider.GetRequiredService<ShardLeaders>()));
        services.AddSingleton(provider => new EtcdEndpoints(
            new SiloClientUrls(provider.GetRequiredService<ISiloDirectory>(), provider.GetRequiredService<IGrainFactory>()).List));
        services.AddSingleton<IWatchSource, RelayWatchSource>();
        services.AddSingleton<IDatabaseSize, UnknownDatabaseSize>();
        services.AddSingleton<PrometheusMetrics>();
        services.AddEtcdGateway(gatewayOptions);

        await using var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GrainKv.Gateway");
        LogStarting(log, DiagnosticsEndpoints.GrainKvVersion, EnvironmentFlags.Join(options.ListenClientUrls),
            string.Join(',', members.Select(m => m.Name)), options.MembershipConnection.Length > 0 ? "membership table" : "--initial-cluster");

        var registry = EtcdGateway.CreateRegistry(app.Services);
        if (options.EnableGrainCalls) GrainCallForwarding.Register(registry, app.Services.GetRequiredService<ClusterClient>());
        app.UseGrpcServices(registry, EtcdGateway.ServerOptions(gatewayOptions));
        app.MapDiagnostics();

        await app.RunAsync(ct);
        return 0;
    }

    /// <summary>
    /// The membership table's view of the silos with --membership-connection (read until the gateway stops);
    /// else the silos of --initial-cluster at their first peer URL, with their client URLs from --endpoints
    /// when given (one per silo, in the same order).
    /// </summary>
    private static async Task<GatewayDirectory> SiloDirectoryOf(StandaloneGatewayOptions options, IReadOnlyList<ClusterMember> members, CancellationToken ct)
    {
        if (options.MembershipConnection.Length > 0)
        {
            // Rows are keyed by --initial-cluster-token, as the silos register them.
            var table = await MembershipDirectory.OpenAsync(options.MembershipConnection, options.InitialClusterToken, new MembershipOptions
            {
                HeartbeatInterval = TimeSpan.FromMilliseconds(options.MembershipHeartbeatIntervalMs),
                DeathTimeout = TimeSpan.FromMilliseconds(options.MembershipDeathTimeoutMs),
            }, ct: ct);
            return new GatewayDirectory(table, table);
        }
        if (options.Endpoints.Count > 0 && options.Endpoints.Count != members.Count)
        {
            throw new ArgumentException($"--endpoints gives {options.Endpoints.Count} client URLs for {members.Count} silos; give one per silo, in --initial-cluster order.");
        }
        return new GatewayDirectory(new StaticSiloDirectory(members.Select((member, i) =>
        {
            var peer = new Uri(member.PeerUrls[0]);
            return new SiloEntry(member.Name, new SiloAddress(peer.Host, peer.Port, generation: 0), options.Endpoints.Count > 0 ? options.Endpoints[i] : null);
        })), null);
    }

    /// <summary>The gateway's directory of silos, and what to close with it.</summary>
    private sealed record GatewayDirectory(ISiloDirectory Silos, IAsyncDisposable? Owned) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Owned?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GrainKv gateway {Version} starting: client URLs {ClientUrls}, silos {Silos}, liveness from the {MembershipSource}")]
    private static partial void LogStarting(ILogger log, string version, string clientUrls, string silos, string membershipSource);
}
