using System.CommandLine;
using GrainKv.Hosting;
using GrainKv.MemberData;
using static GrainKv.Hosting.EnvironmentFlags;

namespace GrainKv.Silo;

/// <summary>
/// The silo's flags. Each flag <c>--some-flag</c> can also be given as the environment variable
/// <c>GRAINKV_SOME_FLAG</c>; a flag on the command line wins over the environment.
/// </summary>
public static class SiloCommandLine
{
    public static RootCommand Create(Func<SiloOptions, CancellationToken, Task<int>> run)
    {
        var defaults = new SiloOptions();
        var name = Flag("--name", "Human-readable name for this member.", defaults.Name);
        var dataDir = Flag("--data-dir", "Path to the data directory.", defaults.DataDir);
        var listenClient = Flag("--listen-client-urls", "List of URLs to listen on for client traffic.", Join(defaults.ListenClientUrls));
        var advertiseClient = Flag("--advertise-client-urls", "List of this member's client URLs to advertise to the rest of the cluster.", "");
        var listenPeer = Flag("--listen-peer-urls", "List of URLs to listen on for peer traffic.", Join(defaults.ListenPeerUrls));
        var advertisePeer = Flag("--initial-advertise-peer-urls", "List of this member's peer URLs to advertise to the rest of the cluster.", "");
        var listenMetrics = Flag("--listen-metrics-urls", "List of URLs to serve /metrics, /health and /version on (HTTP/1.1).", "");
        var initialCluster = Flag("--initial-cluster", "Initial cluster configuration for bootstrapping (name=peer-url,...).", defaults.InitialCluster);
        var initialClusterState = Flag("--initial-cluster-state", "Initial cluster state ('new' or 'existing').", defaults.InitialClusterState);
        var initialClusterToken = Flag("--initial-cluster-token", "Initial cluster token for the cluster during bootstrap.", defaults.InitialClusterToken);
        var snapshotCount = Flag("--snapshot-count", "Number of committed entries to trigger a snapshot.", defaults.SnapshotCount);
        var initialShards = Flag("--initial-shards", "Number of shards the key space is split into, evenly over printable key prefixes, when the cluster is bootstrapped.", defaults.InitialShards);
        var initialShardSplits = Flag("--initial-shard-splits", "Keys at which the key space is split into shards when the cluster is bootstrapped (k1,k2,...); replaces --initial-shards.", defaults.InitialShardSplits);
        var replicas = Flag("--replicas", "Number of replicas of each shard, on different members; 0 (the default): every member. Fewer than the members are not supported yet.", defaults.Replicas);
        var heartbeat = Flag("--heartbeat-interval", "Time (in milliseconds) of a heartbeat interval.", defaults.HeartbeatIntervalMs);
        var election = Flag("--election-timeout", "Time (in milliseconds) for an election to timeout.", defaults.ElectionTimeoutMs);
        var maxRequestBytes = Flag("--max-request-bytes", "Maximum client request size in bytes the server will accept.", defaults.MaxRequestBytes);
        var maxTxnOps = Flag("--max-txn-ops", "Maximum number of operations permitted in a transaction.", defaults.MaxTxnOps);
        var quota = Flag("--quota-backend-bytes", "Raise alarms when backend size exceeds the given quota.", defaults.QuotaBackendBytes);
        var compactionMode = Flag("--auto-compaction-mode", "Interpret 'auto-compaction-retention' one of: periodic|revision.", defaults.AutoCompactionMode);
        var compactionRetention = Flag("--auto-compaction-retention", "Auto compaction retention (0 = off).", defaults.AutoCompactionRetention);
        var corruptCheck = Flag("--experimental-corrupt-check-time", "Duration of time between cluster corruption check passes.", defaults.ExperimentalCorruptCheckTime);
        var progressNotify = Flag("--experimental-watch-progress-notify-interval", "Duration of periodic watch progress notifications.", defaults.WatchProgressNotifyInterval);
        var storage = Flag("--storage", "Where the Raft logs live: 'sqlite' (in the data dir) or 'postgres' (--postgres-connection).", defaults.Storage);
        var postgresConnection = Flag("--postgres-connection", "Npgsql connection string of this silo's own PostgreSQL database, for --storage postgres.", defaults.PostgresConnection);
        var membership = Flag("--membership-connection", "Npgsql connection string of the PostgreSQL server holding Orleans' membership table; without it the silos' membership lives in group 0 of the --initial-cluster members.", defaults.MembershipConnection);
        var membershipDefunct = Flag("--membership-defunct-expiration", "Time (in milliseconds) after which the rows of dead silos are deleted from the membership table.", defaults.MembershipDefunctExpirationMs);
        var orleansSiloPort = Flag("--orleans-silo-port", "Port of Orleans' silo-to-silo endpoint, on the host of the advertised peer URL.", defaults.OrleansSiloPort);
        var orleansGatewayPort = Flag("--orleans-gateway-port", "Port of Orleans' client gateway endpoint, on the host of the advertised peer URL.", defaults.OrleansGatewayPort);
        var logLevel = Flag("--log-level", "The least severe entries logged: debug, info, warn, error, panic or fatal (the last two: critical only).", defaults.LogLevel);
        // Accepted so that etcd's own scripts (its Procfile, for one) run unchanged; GrainKv logs its own way.
        var enablePprof = Flag("--enable-pprof", "Accepted for etcd compatibility; ignored.", false);
        var logger = Flag("--logger", "Accepted for etcd compatibility; ignored.", "");
        var logOutputs = Flag("--log-outputs", "Accepted for etcd compatibility; ignored.", "");
        compactionMode.AcceptOnlyFromAmong("periodic", "revision");
        initialClusterState.AcceptOnlyFromAmong("new", "existing");
        storage.AcceptOnlyFromAmong(SiloStorage.Sqlite, SiloStorage.Postgres);
        logLevel.AcceptOnlyFromAmong(HostLogging.EtcdLevels);

        var root = new RootCommand("GrainKv silo: a sharded coordination service that speaks the etcd v3 API.")
        {
            name, dataDir, listenClient, advertiseClient, listenPeer, advertisePeer, listenMetrics, initialCluster,
            initialClusterState, initialClusterToken, initialShards, initialShardSplits, replicas, snapshotCount, heartbeat, election, maxRequestBytes, maxTxnOps,
            quota, compactionMode, compactionRetention, progressNotify, corruptCheck, enablePprof, logger, logOutputs, logLevel,
            membership, membershipDefunct, orleansSiloPort, orleansGatewayPort,
            storage, postgresConnection,
        };
        root.SetAction((parsed, ct) => run(new SiloOptions
        {
            Name = parsed.GetRequiredValue(name),
            DataDir = parsed.GetRequiredValue(dataDir),
            ListenClientUrls = Urls(parsed.GetRequiredValue(listenClient)),
            AdvertiseClientUrls = Urls(parsed.GetRequiredValue(advertiseClient)),
            ListenPeerUrls = Urls(parsed.GetRequiredValue(listenPeer)),
            InitialAdvertisePeerUrls = Urls(parsed.GetRequiredValue(advertisePeer)),
            ListenMetricsUrls = Urls(parsed.GetRequiredValue(listenMetrics)),
            InitialCluster = parsed.GetRequiredValue(initialCluster),
            InitialClusterState = parsed.GetRequiredValue(initialClusterState),
            InitialClusterToken = parsed.GetRequiredValue(initialClusterToken),
            SnapshotCount = parsed.GetValue(snapshotCount),
            InitialShards = parsed.GetValue(initialShards),
            InitialShardSplits = parsed.GetRequiredValue(initialShardSplits),
            Replicas = parsed.GetValue(replicas),
            HeartbeatIntervalMs = parsed.GetValue(heartbeat),
            ElectionTimeoutMs = parsed.GetValue(election),
            MaxRequestBytes = parsed.GetValue(maxRequestBytes),
            MaxTxnOps = parsed.GetValue(maxTxnOps),
            QuotaBackendBytes = parsed.GetValue(quota),
            AutoCompactionMode = parsed.GetRequiredValue(compactionMode),
            AutoCompactionRetention = parsed.GetRequiredValue(compactionRetention),
            WatchProgressNotifyInterval = parsed.GetRequiredValue(progressNotify),
            ExperimentalCorruptCheckTime = parsed.GetRequiredValue(corruptCheck),
            LogLevel = parsed.GetRequiredValue(logLevel),
            Storage = parsed.GetRequiredValue(storage),
            PostgresConnection = parsed.GetRequiredValue(postgresConnection),
            MembershipConnection = parsed.GetRequiredValue(membership),
            MembershipDefunctExpirationMs = parsed.GetValue(membershipDefunct),
            OrleansSiloPort = parsed.GetValue(orleansSiloPort),
            OrleansGatewayPort = parsed.GetValue(orleansGatewayPort),
        }, ct));
        return root;
    }
}
