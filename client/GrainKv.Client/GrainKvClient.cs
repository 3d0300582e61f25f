using System.Runtime.CompilerServices;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Membership;
using GrainKv.Runtime;
using GrainKv.Runtime.Client;
using GrainKv.Runtime.Cluster;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mvccpb;

namespace GrainKv.Client;

/// <summary>
/// A .NET application's connection to a GrainKv cluster: typed grain references (<see cref="Grains"/>) and
/// a small key-value API over the etcd v3 protocol: get, put, delete, txn, watch as an async stream, and
/// leases kept alive in the background. Failures follow etcd's client rules: reads are retried on another
/// endpoint, a write is never sent twice (its outcome unknown, it fails with "request timed out"), and a
/// watch moves to another endpoint without missing or repeating an event. Errors are
/// <see cref="RpcException"/>s with etcd's status code and exact message.
/// </summary>
public sealed class GrainKvClient : IAsyncDisposable
{
    private readonly ClusterClient _grains;
    private readonly EtcdEndpoints _endpoints;
    private readonly EtcdUnaryCalls _calls;
    private readonly GrainKvClientOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly IAsyncDisposable? _directory;
    private readonly SiloClientUrls? _siloClientUrls;

    private GrainKvClient(ClusterClient grains, Func<IReadOnlyList<Uri>> endpoints, GrainKvClientOptions options,
        IAsyncDisposable? directory = null, SiloClientUrls? siloClientUrls = null)
    {
        _grains = grains;
        _directory = directory;
        _siloClientUrls = siloClientUrls;
        _options = options;
        _loggers = options.Loggers ?? NullLoggerFactory.Instance;
        _endpoints = new EtcdEndpoints(endpoints);
        _calls = new EtcdUnaryCalls(_endpoints, options.RequestTimeout);
    }

    /// <summary>
    /// Connects through stand-alone gateways ("http://host:port", or "host:port" as etcdctl takes them): the etcd
    /// API and grain calls both go to a gateway, which passes grain calls on to the silos; the next gateway
    /// takes over when one fails.
    /// </summary>
    public static GrainKvClient ConnectToGateways(IEnumerable<string> gateways, GrainKvClientOptions? options = null)
    {
        var urls = gateways.Select(EtcdEndpoints.ParseUrl).ToArray();
        if (urls.Length == 0) throw new ArgumentException("No gateway given.", nameof(gateways));
        // To the cluster client a gateway is a silo that takes any grain's calls; it places them itself.
        var directory = new StaticSiloDirectory(urls.Select(url =>
            new SiloEntry($"gateway {url.Authority}", new SiloAddress(url.Host, url.Port, 0), url)));
        options ??= new GrainKvClientOptions();
        return new GrainKvClient(new ClusterClient(directory, new ClusterClientOptions(), options.Loggers), () => urls, options);
    }

    /// <summary>
    /// Connects straight to the silos <paramref name="silos"/> finds: the PostgreSQL membership table's view,
    /// or a <see cref="StaticSiloDirectory"/>. Grain calls go to the silos' peer URLs, the etcd API to their
    /// client URLs (as each silo's member published them to group 0 when the directory does not know them).
    /// </summary>
    public static GrainKvClient ConnectToSilos(ISiloDirectory silos, GrainKvClientOptions? options = null) => ConnectToSilos(silos, null, options);

    /// <summary>
    /// Connects to the silos of the PostgreSQL membership table at <paramref name="connectionString"/>, rows of
    /// cluster <paramref name="cluster"/> (the silos' --initial-cluster-token), judging liveness as the silos do.
    /// </summary>
    public static async Task<GrainKvClient> ConnectToMembershipTableAsync(string connectionString, string cluster,
        MembershipOptions? membership = null, GrainKvClientOptions? options = null, CancellationToken ct = default)
    {
        var table = await MembershipDirectory.OpenAsync(connectionString, cluster, membership,
            options?.Loggers?.CreateLogger<MembershipDirectory>(), ct).ConfigureAwait(false);
        return ConnectToSilos(table, table, options);
    }

    /// <summary>
    /// Connects straight to the silos of etcd's --initial-cluster form, "name=http://host:port,…" (their peer
    /// URLs), with their client URLs in the same order when given.
    /// </summary>
    public static GrainKvClient ConnectToSilos(string initialCluster, IReadOnlyList<string>? clientUrls = null, GrainKvClientOptions? options = null) =>
        ConnectToSilos(StaticSiloDirectory.Parse(initialCluster, clientUrls?.Select(EtcdEndpoints.ParseUrl).ToArray()), options);

    private static GrainKvClient ConnectToSilos(ISiloDirectory silos, IAsyncDisposable? owned, GrainKvClientOptions? options)
    {
        options ??= new GrainKvClientOptions();
        var grains = new ClusterClient(silos, new ClusterClientOptions { Placement = new GrainKvPlacement() }, options.Loggers);
        var clientUrls = new SiloClientUrls(silos);
        return new GrainKvClient(grains, clientUrls.List, options, owned, clientUrls);
    }

    /// <summary>Typed references to the cluster's grains, e.g. <c>Grains.GetGrain&lt;IRaftGroupGrain&gt;(1)</c>.</summary>
    public IClusterClient Grains => _grains;

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

    public async ValueTask DisposeAsync()
    {
        _endpoints.Dispose();
        await _grains.DisposeAsync().ConfigureAwait(false);
        if (_directory is not null) await _directory.DisposeAsync().ConfigureAwait(false);
        _siloClientUrls?.Dispose();
    }
}
