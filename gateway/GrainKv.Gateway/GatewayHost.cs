using GrainKv.Client;
using GrainKv.Gateway.Routing;
using GrainKv.Grains;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Group0;
using GrainKv.Grains.Sharding;
using GrainKv.Group0.Protocol;
using GrainKv.Hosting;
using GrainKv.Orleans;
using GrainKv.Orleans.Clustering;
using GrainKv.Orleans.Membership;
using GrainKv.Runtime.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;

namespace GrainKv.Gateway;

/// <summary>
/// Builds and runs a stand-alone gateway: an Orleans client of the silos (found through the PostgreSQL membership
/// table, or group 0 of the --initial-cluster members), the etcd API of <see cref="EtcdGateway"/> on the client URLs
/// calling their grains, watches relayed from the silos, and /metrics, /health and /version on the metrics URLs.
/// </summary>
public static partial class GatewayHost
{
    /// <summary>The pause between attempts to reach the silos while none answers.</summary>
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(StandaloneGatewayOptions options, CancellationToken ct)
    {
        if (ListenPreflight.Refusal(options.ListenClientUrls.Concat(options.ListenMetricsUrls).SelectMany(ListenPreflight.EndpointsOf)) is { } refusal)
        {
            await Console.Error.WriteLineAsync($"grainkv: {refusal}");
            return 1;
        }
        var logLevel = HostLogging.MinimumOf(options.LogLevel);
        var requestTimeout = TimeSpan.FromSeconds(5) + 2 * TimeSpan.FromMilliseconds(options.ElectionTimeoutMs);
        var given = options.InitialCluster.Length > 0 ? ClusterBootstrap.FromInitialCluster(options.InitialCluster, options.InitialClusterToken) : null;

        using var orleans = OrleansClient(options, given, requestTimeout, logLevel);
        await orleans.StartAsync(ct);
        var grains = orleans.Services.GetRequiredService<IClusterClient>();
        var reported = ClusterBootstrap.Parse(await grains.GetGrain<IClusterGrain>(0).GetBootstrap().WaitAsync(ct));
        if (given is not null && given.ClusterId != reported.ClusterId)
        {
            throw new InvalidOperationException(
                $"--initial-cluster describes cluster {given.ClusterId:x16}, but the silos of cluster '{options.InitialClusterToken}' report cluster " +
                $"{reported.ClusterId:x16}. Give the silos' own --initial-cluster, or leave it out to use what they report.");
        }
        var cluster = given ?? reported;
        // The gateway is no member: it answers with the ids of the members that served each request.
        var identity = ClusterIdentity.NonMember(cluster);
        var gatewayOptions = new GatewayOptions
        {
            MaxRequestBytes = options.MaxRequestBytes,
            MaxTxnOps = options.MaxTxnOps,
            RequestTimeout = requestTimeout,
        };

        var builder = WebApplication.CreateSlimBuilder(HostBuilderSettings.WebApplication);
        HostLogging.Configure(builder.Logging, logLevel);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureForGrpc(options.ListenClientUrls);
            kestrel.ListenForDiagnostics(options.ListenMetricsUrls);
        });

        var services = builder.Services;
        services.AddSingleton(identity);
        var shardMap = ShardMap.FromRecord(ShardMapRecord.Parser.ParseFrom(await grains.GetGrain<IClusterGrain>(0).GetShardMap().WaitAsync(ct)));
        services.AddSingleton(shardMap);
        services.AddSingleton<IGrainFactory>(grains);
        // Group 0, at the members' peer URLs: what the members published (member list, client URLs).
        services.AddGroup0Client();
        if (shardMap.HasSeveralShards) services.AddRevisionAllocator();
        services.AddSingleton(await WatchEndpointsAsync(options, grains));
        services.AddSingleton<IWatchSource, RelayWatchSource>();
        services.AddPrometheusMetrics();
        services.AddEtcdGateway(gatewayOptions);

        await using var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GrainKv.Gateway");
        LogStarting(log, DiagnosticsEndpoints.GrainKvVersion, EnvironmentFlags.Join(options.ListenClientUrls),
            string.Join(',', cluster.Members.Select(m => m.Name)), cluster.ClusterId,
            options.MembershipConnection.Length > 0 ? "the membership table" : "group 0");

        app.MapEtcdServices();
        app.MapDiagnostics();

        await app.RunAsync(ct);
        await orleans.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>
    /// The Orleans client of the silos, on their clustering: the PostgreSQL table when given, else group 0, reached at
    /// the --initial-cluster members' peer URLs. It keeps trying until a silo answers.
    /// </summary>
    private static IHost OrleansClient(StandaloneGatewayOptions options, ClusterBootstrap? given, TimeSpan requestTimeout, LogLevel logLevel)
    {
        var builder = Host.CreateApplicationBuilder(HostBuilderSettings.Application);
        HostLogging.Configure(builder.Logging, logLevel);
        builder.UseOrleansClient(client =>
        {
            client.UseGrainKvCluster(options.InitialClusterToken);
            if (options.MembershipConnection.Length > 0)
            {
                client.UsePostgresClustering(options.MembershipConnection);
            }
            else
            {
                var cluster = given ?? throw new ArgumentException(StandaloneGatewayOptions.NoSilosError);
                client.Services.AddSingleton(ClusterIdentity.NonMember(cluster));
                client.Services.AddGroup0Client();
                client.UseGroup0Clustering();
            }
            client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = requestTimeout);
            client.UseConnectionRetryFilter(async (_, token) =>
            {
                await Task.Delay(ConnectRetryDelay, token);
                return true;
            });
        });
        return builder.Build();
    }

    /// <summary>The silos' client URLs for relaying watches: --endpoints when given, else what the members published.</summary>
    private static async Task<EtcdEndpoints> WatchEndpointsAsync(StandaloneGatewayOptions options, IGrainFactory grains)
    {
        if (options.Endpoints.Count > 0) return new EtcdEndpoints(() => options.Endpoints);
        var published = new SiloClientUrls(grains);
        await published.RefreshAsync();
        return new EtcdEndpoints(published.List);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GrainKv gateway {Version} starting: client URLs {ClientUrls}, silos {Silos} of cluster {ClusterId:x16}, found through {MembershipSource}")]
    private static partial void LogStarting(ILogger log, string version, string clientUrls, string silos, ulong clusterId, string membershipSource);
}
