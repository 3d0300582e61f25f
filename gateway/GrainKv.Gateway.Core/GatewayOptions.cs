namespace GrainKv.Gateway;

/// <summary>Limits the gateway enforces at the edge, with etcd's defaults.</summary>
public sealed record GatewayOptions
{
    /// <summary>etcd's --max-request-bytes: larger requests get "etcdserver: request is too large".</summary>
    public int MaxRequestBytes { get; init; } = 1_572_864;

    /// <summary>etcd's --max-txn-ops.</summary>
    public int MaxTxnOps { get; init; } = 128;

    /// <summary>etcd gives up on a proposal after 5 s plus two election timeouts.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(7);

    /// <summary>The gRPC receive limit: etcd allows max-request-bytes plus 512 KiB on the wire.</summary>
    public int MaxReceiveMessageBytes => MaxRequestBytes + 512 * 1024;
}
