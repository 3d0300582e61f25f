using System.CommandLine;
using GrainKv.Hosting;
using static GrainKv.Hosting.EnvironmentFlags;

namespace GrainKv.Gateway;

/// <summary>
/// The stand-alone gateway's flags; each is also the environment variable GRAINKV_ plus its name in upper
/// snake case, and the command line wins.
/// </summary>
public static class GatewayCommandLine
{
    public static RootCommand Create(Func<StandaloneGatewayOptions, CancellationToken, Task<int>> run)
    {
        var defaults = new StandaloneGatewayOptions();
        var listenClient = Flag("--listen-client-urls", "List of URLs to serve the etcd API on.", Join(defaults.ListenClientUrls));
        var listenMetrics = Flag("--listen-metrics-urls", "List of URLs to serve /metrics, /health and /version on (HTTP/1.1).", "");
        var initialCluster = Flag("--initial-cluster",
            "The silos, as they were bootstrapped: name=peer-url,... (the silos' own --initial-cluster). Unset, the silos found through --membership-connection report it.",
            defaults.InitialCluster);
        var initialClusterToken = Flag("--initial-cluster-token",
            "The silos' --initial-cluster-token: the cluster id derives from it with --initial-cluster, and it is the name of their Orleans cluster.",
            defaults.InitialClusterToken);
        var endpoints = Flag("--endpoints", "The silos' client URLs, for relaying watches; unset, those the silos published.", "");
        var membership = Flag("--membership-connection",
            "Npgsql connection string of the PostgreSQL server holding the silos' Orleans membership table; unset, their membership is found in group 0 at the --initial-cluster members' peer URLs.",
            defaults.MembershipConnection);
        var election = Flag("--election-timeout", "The silos' election timeout in milliseconds; requests time out after 5 s plus two of them, as on a silo.", defaults.ElectionTimeoutMs);
        var maxRequestBytes = Flag("--max-request-bytes", "Maximum client request size in bytes the gateway will accept.", defaults.MaxRequestBytes);
        var maxTxnOps = Flag("--max-txn-ops", "Maximum number of operations permitted in a transaction.", defaults.MaxTxnOps);
        var logLevel = Flag("--log-level", "The least severe entries logged: debug, info, warn, error, panic or fatal (the last two: critical only).", defaults.LogLevel);
        logLevel.AcceptOnlyFromAmong(HostLogging.EtcdLevels);

        var root = new RootCommand("GrainKv stand-alone gateway: the etcd v3 API in front of a cluster of GrainKv silos.")
        {
            listenClient, listenMetrics, initialCluster, initialClusterToken, endpoints, membership, election, maxRequestBytes, maxTxnOps, logLevel,
        };
        root.SetAction((parsed, ct) =>
        {
            var options = new StandaloneGatewayOptions
            {
                ListenClientUrls = Urls(parsed.GetRequiredValue(listenClient)),
                ListenMetricsUrls = Urls(parsed.GetRequiredValue(listenMetrics)),
                InitialCluster = parsed.GetRequiredValue(initialCluster),
                InitialClusterToken = parsed.GetRequiredValue(initialClusterToken),
                Endpoints = parsed.GetRequiredValue(endpoints).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(Client.EtcdEndpoints.ParseUrl).ToArray(),
                MembershipConnection = parsed.GetRequiredValue(membership),
                ElectionTimeoutMs = parsed.GetValue(election),
                MaxRequestBytes = parsed.GetValue(maxRequestBytes),
                MaxTxnOps = parsed.GetValue(maxTxnOps),
                LogLevel = parsed.GetRequiredValue(logLevel),
            };
            if (options.InitialCluster.Length == 0 && options.MembershipConnection.Length == 0)
            {
                // Checked here rather than by a validator, which runs before the environment has filled in the flags.
                parsed.InvocationConfiguration.Error.WriteLine(StandaloneGatewayOptions.NoSilosError);
                return Task.FromResult(1);
            }
            return run(options, ct);
        });
        return root;
    }
}
