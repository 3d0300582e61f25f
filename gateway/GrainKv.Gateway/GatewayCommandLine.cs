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
            "The silos, as they were bootstrapped: name=peer-url,... (the silos' own --initial-cluster). Unset, the silos report it in the membership table of --membership-connection.",
            defaults.InitialCluster);
        var initialClusterToken = Flag("--initial-cluster-token",
            "The silos' --initial-cluster-token: the cluster id derives from it with --initial-cluster, and it names the cluster's rows in the membership table.",
            defaults.InitialClusterToken);
        var endpoints = Flag("--endpoints", "The silos' client URLs, in --initial-cluster order, for relaying watches (the membership table has its own); unset, each silo tells its own.", "");
        var membership = Flag("--membership-connection",
            "Npgsql connection string of the PostgreSQL server holding the membership table, which then tells which silos are alive and where, and, without --initial-cluster, the cluster they were bootstrapped into.",
            defaults.MembershipConnection);
        var membershipHeartbeat = Flag("--membership-heartbeat-interval", "Time (in milliseconds) between reads of the membership table: the silos' heartbeat interval.", defaults.MembershipHeartbeatIntervalMs);
        var membershipDeath = Flag("--membership-death-timeout", "Time (in milliseconds) without a heartbeat after which a silo counts as dead: the silos' death timeout.", defaults.MembershipDeathTimeoutMs);
        var election = Flag("--election-timeout", "The silos' election timeout in milliseconds; requests time out after 5 s plus two of them, as on a silo.", defaults.ElectionTimeoutMs);
        var maxRequestBytes = Flag("--max-request-bytes", "Maximum client request size in bytes the gateway will accept.", defaults.MaxRequestBytes);
        var maxTxnOps = Flag("--max-txn-ops", "Maximum number of operations permitted in a transaction.", defaults.MaxTxnOps);
        var logLevel = Flag("--log-level", "The least severe entries logged: debug, info, warn, error, panic or fatal (the last two: critical only).", defaults.LogLevel);
        logLevel.AcceptOnlyFromAmong(HostLogging.EtcdLevels);
        var grainCalls = Flag("--enable-grain-calls", "Pass grain calls of GrainKv's .NET client on to the silos; any client that reaches the gateway can then call any grain.", false);

        var root = new RootCommand("GrainKv stand-alone gateway: the etcd v3 API in front of a cluster of GrainKv silos.")
        {
            listenClient, listenMetrics, initialCluster, initialClusterToken, endpoints, membership, membershipHeartbeat, membershipDeath, election,
            maxRequestBytes, maxTxnOps, grainCalls, logLevel,
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
                MembershipHeartbeatIntervalMs = parsed.GetValue(membershipHeartbeat),
                MembershipDeathTimeoutMs = parsed.GetValue(membershipDeath),
                ElectionTimeoutMs = parsed.GetValue(election),
                MaxRequestBytes = parsed.GetValue(maxRequestBytes),
                MaxTxnOps = parsed.GetValue(maxTxnOps),
                EnableGrainCalls = parsed.GetValue(grainCalls),
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
