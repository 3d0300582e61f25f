using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Gateway.Errors;
using GrainKv.Gateway.Services;
using Grpc.Core;

namespace GrainKv.Gateway.Coordination;

/// <summary>
/// The Lock and Election services' way to KV, Lease and Watch. etcd's servers for them are clients of
/// its own KV API (an in-process clientv3), so requests take the same validation and limits as a
/// client's, and errors come back as that client reports them (<see cref="EtcdErrors.AsEmbeddedClientError"/>).
/// </summary>
public sealed class RecipeClient
{
    private readonly KvService _kv;
    private readonly LeaseService _leases;
    private readonly KeyWatcher _watcher;

    public RecipeClient(KvService kv, LeaseService leases, KeyWatcher watcher)
    {
        _kv = kv;
        _leases = leases;
        _watcher = watcher;
    }

    public Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken ct) => AsEmbeddedClientCall(_kv.RangeAsync(request, ct));

    public Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken ct) => AsEmbeddedClientCall(_kv.TxnAsync(request, ct));

    public Task<DeleteRangeResponse> DeleteAsync(ByteString key, CancellationToken ct) =>
        AsEmbeddedClientCall(_kv.DeleteRangeAsync(new DeleteRangeRequest { Key = key }, ct));

    /// <summary>
    /// The lease of etcd's concurrency session: the caller's, or for 0 a fresh one of
    /// <see cref="RecipeRequests.SessionLeaseTtlSeconds"/> that nobody keeps alive.
    /// </summary>
    public async Task<long> SessionLeaseAsync(long lease, CancellationToken ct)
    {
        if (lease != 0) return lease;
        var granted = await AsEmbeddedClientCall(_leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = RecipeRequests.SessionLeaseTtlSeconds }, ct));
        return granted.ID;
    }

    /// <summary>
    /// Waits until no key under <paramref name="prefix"/> created at or before
    /// <paramref name="maxCreateRevision"/> is left, by watching the newest of them until it is deleted,
    /// then looking again (clientv3 concurrency's waitDeletes). Returns the header of the final look.
    /// </summary>
    public async Task<ResponseHeader> WaitForOlderKeysDeletedAsync(ByteString prefix, long maxCreateRevision, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var newest = await _kv.RangeAsync(RecipeRequests.LastCreatedUpTo(prefix, maxCreateRevision), ct);
                if (newest.Kvs.Count == 0) return newest.Header;
                await _watcher.WaitForDeleteAsync(newest.Kvs[0].Key, newest.Header.Revision, ct);
            }
        }
        catch (RpcException error)
        {
            throw EtcdErrors.AsEmbeddedClientError(error);
        }
    }

    private static async Task<T> AsEmbeddedClientCall<T>(Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (RpcException error)
        {
            throw EtcdErrors.AsEmbeddedClientError(error);
        }
    }
}
