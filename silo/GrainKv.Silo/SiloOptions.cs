using GrainKv.MemberData;

namespace GrainKv.Silo;

/// <summary>
/// Everything a silo is started with. Flag names follow etcd's wherever they mean the same, so
/// GrainKv can stand in for an etcd binary in a script.
/// </summary>
public sealed record SiloOptions
{
    public string Name { get; init; } = "default";
    public string DataDir { get; init; } = StorageOptions.DefaultDataDir;
    public IReadOnlyList<Uri> ListenClientUrls { get; init; } = [new("http://127.0.0.1:2379")];
    public IReadOnlyList<Uri> AdvertiseClientUrls { get; init; } = [];
    public IReadOnlyList<Uri> ListenPeerUrls { get; init; } = [new("http://127.0.0.1:2380")];
    public IReadOnlyList<Uri> InitialAdvertisePeerUrls { get; init; } = [];
    public IReadOnlyList<Uri> ListenMetricsUrls { get; init; } = [];
    public string InitialCluster { get; init; } = "";
    public string InitialClusterState { get; init; } = "new";
    public string InitialClusterToken { get; init; } = "etcd-cluster";
    public long SnapshotCount { get; init; } = 100_000;
    public int InitialShards { get; init; } = 1;
    /// <summary>Split keys, comma-separated; they replace <see cref="InitialShards"/>.</summary>
    public string InitialShardSplits { get; init; } = "";
    /// <summary>0: every member.</summary>
    public int Replicas { get; init; }

    public IReadOnlyList<string> ShardSplitKeys => InitialShardSplits.Length == 0 ? [] : InitialShardSplits.Split(',');
    public int HeartbeatIntervalMs { get; init; } = 100;
    public int ElectionTimeoutMs { get; init; } = 1000;
    public int MaxRequestBytes { get; init; } = 1_572_864;
    public int MaxTxnOps { get; init; } = 128;
    public long QuotaBackendBytes { get; init; } = 2L * 1024 * 1024 * 1024;
    public string AutoCompactionMode { get; init; } = "periodic";
    public string AutoCompactionRetention { get; init; } = "0";
    public string WatchProgressNotifyInterval { get; init; } = "10m";

    /// <summary>etcd's --experimental-corrupt-check-time: how often a shard's leader compares its replicas' HashKV; 0 = never.</summary>
    public string ExperimentalCorruptCheckTime { get; init; } = "0s";

    /// <summary>etcd's --log-level: the least severe entries logged.</summary>
    public string LogLevel { get; init; } = "info";
    public string Storage { get; init; } = SiloStorage.Sqlite;
    public string PostgresConnection { get; init; } = "";
    public string MembershipConnection { get; init; } = "";
    public int OrleansSiloPort { get; init; } = 11111;
    public int OrleansGatewayPort { get; init; } = 30000;
    public long MembershipDefunctExpirationMs { get; init; } = 7 * 24 * 3_600_000L;

    public StorageOptions StorageOptions => new() { Kind = Storage, DataDir = DataDir, PostgresConnection = PostgresConnection };
    public IReadOnlyList<Uri> EffectiveAdvertiseClientUrls => AdvertiseClientUrls.Count > 0 ? AdvertiseClientUrls : ListenClientUrls;
    public IReadOnlyList<Uri> EffectiveAdvertisePeerUrls => InitialAdvertisePeerUrls.Count > 0 ? InitialAdvertisePeerUrls : ListenPeerUrls;
}
