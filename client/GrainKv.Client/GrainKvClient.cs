using System.Runtime.CompilerServices;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mvccpb;

namespace GrainKv.Client;

/// <summary>
/// A .NET application's connection to a GrainKv cluster (or any etcd v3 cluster) when it is no Orleans client: a small
/// key-value API over the etcd v3 protocol, on stand-alone gateways or the silos' client URLs: get, put, delete, txn,
/// watch as an async stream, and leases kept alive in the background. Failures follow etcd's client rules: reads are retried on another
/// endpoint, a write is never sent twice (its outcome unknown, it fails with "request timed out"), and a
/// watch moves to another endpoint without missing or repeating an event. Errors are
/// <see cref="RpcException"/>s with etcd's status code and exact message.
/// </summary>
public sealed class GrainKvClient : IAsyncDisposable
{
    private readonly EtcdEndpoints _endpoints;
    private readonly EtcdUnaryCalls _calls;
    private readonly GrainKvClientOptions _options;
    private readonly ILoggerFactory _loggers;

    private GrainKvClient(IReadOnlyList<Uri> endpoints, GrainKvClientOptions options)
    {
        _options = options;
        _loggers = options.Loggers ?? NullLoggerFactory.Instance;
        _endpoints = new EtcdEndpoints(() => endpoints);
        _calls = new EtcdUnaryCalls(_endpoints, options.RequestTimeout);
    }

    /// <summary>
    /// Connects to etcd endpoints ("http://host:port", or "host:port" as etcdctl takes them): stand-alone gateways or
    /// the silos' client URLs. The next endpoint takes over when one fails.
    /// </summary>
    public static GrainKvClient Connect(IEnumerable<string> endpoints, GrainKvClientOptions? options = null)
    {
        var urls = endpoints.Select(EtcdEndpoints.ParseUrl).ToArray();
        if (urls.Length == 0) throw new ArgumentException("No endpoint given.", nameof(endpoints));
        return new GrainKvClient(urls, options ?? new GrainKvClientOptions());
    }

    /// <summary>The etcd endpoints this client uses.</summary>
    public EtcdEndpoints Endpoints => _endpoints;

    /// <summary>The key's current value, or null when it does not exist.</summary>
    public async Task<KeyValue?> GetAsync(string key, CancellationToken ct = default)
    {
        var response = await RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(key) }, ct).ConfigureAwait(false);
        return response.Kvs.Count == 0 ? null : response.Kvs[0];
    }

    /// <summary>Every key that starts with <paramref name="prefix"/>, in key order.</summary>
    public async Task<IReadOnlyList<KeyValue>> GetPrefixAsync(string prefix, CancellationToken ct = default)
    {
        var key = ByteString.CopyFromUtf8(prefix);
        var response = await RangeAsync(new RangeRequest { Key = key, RangeEnd = KeyPrefix.RangeEnd(key) }, ct).ConfigureAwait(false);
        return response.Kvs;
    }

    /// <summary>Any Range etcd serves (linearizable unless <c>serializable</c>).</summary>
    public Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken ct = default) =>
        _calls.CallAsync((channel, call) => new KV.KVClient(channel).RangeAsync(request, call), idempotent: true, ct);

    /// <summary>Sets the key; returns the revision of the write.</summary>
    public async Task<long> PutAsync(string key, string value, long leaseId = 0, CancellationToken ct = default)
    {
        var request = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value), Lease = leaseId };
        return (await PutAsync(request, ct).ConfigureAwait(false)).Header.Revision;
    }

    public Task<PutResponse> PutAsync(PutRequest request, CancellationToken ct = default) =>
        _calls.CallAsync((channel, call) => new KV.KVClient(channel).PutAsync(request, call), idempotent: false, ct);

    /// <summary>Deletes the key; returns how many keys were deleted (0 or 1).</summary>
    public async Task<long> DeleteAsync(string key, CancellationToken ct = default) =>
        (await DeleteRangeAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(key) }, ct).ConfigureAwait(false)).Deleted;

    public Task<DeleteRangeResponse> DeleteRangeAsync(DeleteRangeRequest request, CancellationToken ct = default) =>
        _calls.CallAsync((channel, call) => new KV.KVClient(channel).DeleteRangeAsync(request, call), idempotent: false, ct);

    /// <summary>A transaction: the compares decide which branch runs, atomically, in one revision.</summary>
    public Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken ct = default) =>
        _calls.CallAsync((channel, call) => new KV.KVClient(channel).TxnAsync(request, call), idempotent: false, ct);

    /// <summary>The events on the key (every key under it, with <paramref name="prefix"/>) from <paramref name="fromRevision"/> on, or from now.</summary>
    public IAsyncEnumerable<Event> WatchAsync(string key, bool prefix = false, long fromRevision = 0, CancellationToken ct = default)
    {
        var start = ByteString.CopyFromUtf8(key);
        return WatchAsync(new WatchCreateRequest { Key = start, RangeEnd = prefix ? KeyPrefix.RangeEnd(start) : ByteString.Empty, StartRevision = fromRevision }, ct);
    }

    /// <summary>
    /// The events one watcher created as asked sees, until <paramref name="ct"/> ends it. A watch whose start
    /// was compacted away throws etcd's Compacted error; one the cluster refused, its reason.
    /// </summary>
    public async IAsyncEnumerable<Event> WatchAsync(WatchCreateRequest request, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var stream = new ResumableWatchStream(_endpoints, _options.Watch, _loggers.CreateLogger<ResumableWatchStream>());
        stream.Send(new WatchRequest { CreateRequest = request });
        while (true)
        {
            foreach (var response in await stream.ReceiveAsync(ct).ConfigureAwait(false))
            {
                if (response.CompactRevision != 0)
                {
                    throw new RpcException(new Status(StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted"));
                }
                if (response.Canceled) throw new RpcException(new Status(StatusCode.InvalidArgument, response.CancelReason));
                foreach (var e in response.Events) yield return e;
            }
        }
    }

    /// <summary>Grants a lease of at least <paramref name="ttl"/> (whole seconds) and keeps it alive until disposed.</summary>
    public async Task<Lease> GrantLeaseAsync(TimeSpan ttl, CancellationToken ct = default)
    {
        var request = new LeaseGrantRequest { TTL = (long)Math.Ceiling(ttl.TotalSeconds) };
        var granted = await _calls.CallAsync((channel, call) => new Etcdserverpb.Lease.LeaseClient(channel).LeaseGrantAsync(request, call), idempotent: true, ct)
            .ConfigureAwait(false);
        return new Lease(this, _endpoints, granted.ID, TimeSpan.FromSeconds(granted.TTL), _loggers.CreateLogger<Lease>());
    }

    /// <summary>The lease's remaining TTL in seconds, -1 when it does not exist.</summary>
    public async Task<long> LeaseTimeToLiveAsync(long leaseId, CancellationToken ct = default) =>
        (await _calls.CallAsync((channel, call) => new Etcdserverpb.Lease.LeaseClient(channel).LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = leaseId }, call), idempotent: true, ct)
            .ConfigureAwait(false)).TTL;

    /// <summary>Revokes the lease, deleting its keys.</summary>
    public Task<LeaseRevokeResponse> RevokeLeaseAsync(long leaseId, CancellationToken ct = default) =>
        _calls.CallAsync((channel, call) => new Etcdserverpb.Lease.LeaseClient(channel).LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, call), idempotent: true, ct);

    public ValueTask DisposeAsync()
    {
        _endpoints.Dispose();
        return ValueTask.CompletedTask;
    }
}
