using Etcdserverpb;

namespace GrainKv.Grains;

/// <summary>
/// GrainKv for Orleans applications: etcd's KV, Watch and Lease requests and answers as grain calls, with etcd's
/// meaning (revisions and history, txns, watches replayed from a revision, leases whose TTL the leader keeps). Take one
/// per session, keyed by a new Guid: a watch is enumerated from the activation that started it. A request etcd would
/// refuse throws <see cref="EtcdException"/> with etcd's gRPC status code and message.
/// </summary>
[Alias("grainkv.KeyValue")]
public interface IKeyValueGrain : IGrainWithGuidKey
{
    [Alias("Range")]
    Task<RangeResponse> Range(RangeRequest request);

    [Alias("Put")]
    Task<PutResponse> Put(PutRequest request);

    [Alias("DeleteRange")]
    Task<DeleteRangeResponse> DeleteRange(DeleteRangeRequest request);

    [Alias("Txn")]
    Task<TxnResponse> Txn(TxnRequest request);

    /// <summary>
    /// What one watcher created as asked sees, as etcd's watch responses: the creation, then events in revision order,
    /// until the caller stops enumerating. A watcher that sees nothing for a while gets an empty response (etcd's
    /// progress notification), which also lets an abandoned enumeration end.
    /// </summary>
    [Alias("Watch")]
    IAsyncEnumerable<WatchResponse> Watch(WatchCreateRequest request);

    [Alias("LeaseGrant")]
    Task<LeaseGrantResponse> LeaseGrant(LeaseGrantRequest request);

    /// <summary>One keep-alive: renews the lease, answering its TTL (0 once it has expired).</summary>
    [Alias("LeaseKeepAlive")]
    Task<LeaseKeepAliveResponse> LeaseKeepAlive(LeaseKeepAliveRequest request);

    [Alias("LeaseTimeToLive")]
    Task<LeaseTimeToLiveResponse> LeaseTimeToLive(LeaseTimeToLiveRequest request);

    [Alias("LeaseRevoke")]
    Task<LeaseRevokeResponse> LeaseRevoke(LeaseRevokeRequest request);
}
