namespace GrainKv.Gateway;

/// <summary>
/// Everything a stand-alone gateway is started with. Where a flag means what the silo's or etcd's gRPC
/// proxy's flag of the same name means, it has that name.
/// </summary>
public sealed record StandaloneGatewayOptions
{
    /// <summary>Why a gateway given neither --initial-cluster nor --membership-connection cannot start.</summary>
    public const string NoSilosError =
        "The gateway cannot find the silos: give --membership-connection (the silos' membership table) " +
        "or --initial-cluster (the silos as they were bootstrapped).";

    public IReadOnlyList<Uri> ListenClientUrls { get; init; } = [new("http://127.0.0.1:23790")];
    public IReadOnlyList<Uri> ListenMetricsUrls { get; init; } = [];
    public string InitialCluster { get; init; } = "";
    public string InitialClusterToken { get; init; } = "etcd-cluster";
    public IReadOnlyList<Uri> Endpoints { get; init; } = [];
    public string MembershipConnection { get; init; } = "";
    public int ElectionTimeoutMs { get; init; } = 1000;
    public int MaxRequestBytes { get; init; } = 1_572_864;
    public int MaxTxnOps { get; init; } = 128;

    /// <summary>etcd's --log-level: the least severe entries logged.</summary>
    public string LogLevel { get; init; } = "info";
}
