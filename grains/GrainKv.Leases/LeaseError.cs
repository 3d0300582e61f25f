namespace GrainKv.Leases;

/// <summary>
/// Expected failures of lease operations (etcd-api.md §5). The gateway maps each to etcd's status and
/// message, or to the TTL etcd answers instead of an error (0 on keep-alive, -1 on time-to-live).
/// </summary>
public enum LeaseError
{
    None = 0,

    /// <summary>No lease with that id ("etcdserver: requested lease not found"); also a grant with id 0, as in etcd.</summary>
    NotFound,

    /// <summary>Grant of an id in use ("etcdserver: lease already exists").</summary>
    LeaseExists,

    /// <summary>Grant with a TTL above <see cref="Lessor.MaxTtlSeconds"/> ("etcdserver: too large lease TTL").</summary>
    TooLargeTtl,

    /// <summary>Expiry times live only on the leader: this replica cannot answer, the caller asks the leader.</summary>
    NotPrimary,

    /// <summary>
    /// Keep-alive of a lease whose time is up but whose revoke has not applied yet. etcd waits for the
    /// revoke and then answers TTL 0; the lease is not renewed.
    /// </summary>
    Expired,
}
