using GrainKv.Client;
using GrainKv.Gateway.Routing;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Group0;
using GrainKv.Grains.Sharding;
using GrainKv.Hosting;
using GrainKv.Membership;
using GrainKv.Runtime;
using GrainKv.Runtime.Client;
using GrainKv.Runtime.Cluster;
using GrainKv.Runtime.Grpc;
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
        var logLevel = HostLogging.MinimumOf(options.LogLevel);
        using var loggers = LoggerFactory.Create(logging => HostLogging.Configure(logging, logLevel));
        await using var table = options.MembershipConnection.Length > 0
            // Rows are keyed by --initial-cluster-token, as the silos register them.
            ? await MembershipDirectory.OpenAsync(options.MembershipConnection, options.InitialClusterToken, new MembershipOptions
            {
                HeartbeatInterval = TimeSpan.FromMilliseconds(options.MembershipHeartbeatIntervalMs),
                DeathTimeout = TimeSpan.FromMilliseconds(options.MembershipDeathTimeoutMs),
            }, loggers.CreateLogger<MembershipDirectory>(), ct)
            : null;
        var cluster = options.InitialCluster.Length > 0
            ? ClusterBootstrap.FromInitialCluster(options.InitialCluster, options.InitialClusterToken)
            : table is not null
                ? await ReportedClusterAsync(table, options.InitialClusterToken, ct)
                : throw new ArgumentException(StandaloneGatewayOptions.NoSilosError);
        if (options.InitialCluster.Length > 0 && table is not null) await CheckAgainstTableAsync(cluster, table, options.InitialClusterToken, ct);
        // The gateway is no member: it answers with the ids of the members that served each request.
        var identity = new ClusterIdentity(cluster.ClusterId, MemberId: 0, MemberName: "", PeerUrls: [], ClientUrls: [], cluster.Members);
        var gatewayOptions = new GatewayOptions
        {
            MaxRequestBytes = options.MaxRequestBytes,
            MaxTxnOps = options.MaxTxnOps,
            RequestTimeout = TimeSpan.FromSeconds(5) + 2 * TimeSpan.FromMilliseconds(options.ElectionTimeoutMs),
        };

        ISiloDirectory silos = (ISiloDirectory?)table ?? StaticDirectoryOf(cluster.Members, options.Endpoints);
        var builder = WebApplication.CreateSlimBuilder();
        HostLogging.Configure(builder.Logging, logLevel);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureForGrpc(options.ListenClientUrls);
            kestrel.ListenForDiagnostics(options.ListenMetricsUrls);
        });

        var services = builder.Services;
        services.AddSingleton(identity);
        services.AddSingleton(ShardMap.OneShard(cluster.Members.Select(m => m.Id).ToArray()));
        services.AddSingleton(silos);
        services.AddClusterClient((provider, client) =>
            client.Placement = new GatewayPlacement(identity, provider.GetRequiredService<ShardLeaders>()));
        services.AddSingleton<SiloClientUrls>();
        services.AddSingleton(provider => new EtcdEndpoints(provider.GetRequiredService<SiloClientUrls>().List));
        services.AddGroup0Client();
        services.AddSingleton<IWatchSource, RelayWatchSource>();
        services.AddPrometheusMetrics();
        services.AddEtcdGateway(gatewayOptions);

        await using var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GrainKv.Gateway");
        LogStarting(log, DiagnosticsEndpoints.GrainKvVersion, EnvironmentFlags.Join(options.ListenClientUrls),
            string.Join(',', cluster.Members.Select(m => m.Name)), cluster.ClusterId,
            options.InitialCluster.Length > 0 ? "--initial-cluster" : "membership table", table is not null ? "membership table" : "--initial-cluster");

        app.MapEtcdServices();
        if (options.EnableGrainCalls) app.MapGrpcService<GrainCallForwarding>();
        app.MapDiagnostics();

        await app.RunAsync(ct);
        return 0;
    }

    /// <summary>
    /// The cluster as the live silos report it in the membership table, once one has joined. Silos that report
    /// different clusters under one name cannot all be right, so the gateway refuses to pick one.
    /// </summary>
    private static async Task<ClusterBootstrap> ReportedClusterAsync(MembershipDirectory table, string token, CancellationToken ct)
    {
        var reports = await table.ReadBootstrapsAsync(ct);
        if (reports.Count == 1) return ClusterBootstrap.Parse(reports[0].Bootstrap);
        var clusters = reports.Select(report => $"{string.Join(", ", report.Silos)} report cluster {ClusterBootstrap.Parse(report.Bootstrap).ClusterId:x16}");
        throw new InvalidOperationException(
            $"The live silos of cluster '{token}' in the membership table were bootstrapped into different clusters ({string.Join("; ", clusters)}). " +
            "Give the gateway --initial-cluster, or stop the silos that do not belong.");
    }

    /// <summary>
    /// Given both, --initial-cluster wins, but it must describe the cluster the live silos in the table report: a
    /// gateway answering with another cluster's ids would route by a shard map the silos do not share.
    /// </summary>
    private static async Task CheckAgainstTableAsync(ClusterBootstrap cluster, MembershipDirectory table, string token, CancellationToken ct)
    {
        foreach (var report in await table.ReadLiveBootstrapsAsync(ct))
        {
            var reported = ClusterBootstrap.Parse(report.Bootstrap);
            if (reported.ClusterId == cluster.ClusterId) continue;
            throw new InvalidOperationException(
                $"--initial-cluster describes cluster {cluster.ClusterId:x16}, but the live silos {string.Join(", ", report.Silos)} of cluster " +
                $"'{token}' in the membership table report cluster {reported.ClusterId:x16}. Give the silos' own --initial-cluster, or leave it " +
                "out to use what they report.");
        }
    }

    /// <summary>The silos of --initial-cluster at their first peer URL, with their client URLs from --endpoints when given (one per silo, in the same order).</summary>
    private static StaticSiloDirectory StaticDirectoryOf(IReadOnlyList<ClusterMember> members, IReadOnlyList<Uri> endpoints)
    {
        if (endpoints.Count > 0 && endpoints.Count != members.Count)
        {
            throw new ArgumentException($"--endpoints gives {endpoints.Count} client URLs for {members.Count} silos; give one per silo, in --initial-cluster order.");
        }
        return new StaticSiloDirectory(members.Select((member, i) =>
        {
            var peer = new Uri(member.PeerUrls[0]);
            return new SiloEntry(member.Name, new SiloAddress(peer.Host, peer.Port, generation: 0), endpoints.Count > 0 ? endpoints[i] : null);
        }));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GrainKv gateway {Version} starting: client URLs {ClientUrls}, silos {Silos} of cluster {ClusterId:x16} from the {ClusterSource}, liveness from the {MembershipSource}")]
    private static partial void LogStarting(ILogger log, string version, string clientUrls, string silos, ulong clusterId, string clusterSource, string membershipSource);
}
