using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;
using Grpc.Core;
using Grpc.Net.Client;
using V3Electionpb;
using V3Lockpb;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>A typed etcd v3 client on Grpc.Net.Client, used against etcd and GrainKv alike.</summary>
public sealed class EtcdClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(bytes => bytes, bytes => bytes);
    private readonly KV.KVClient _kv;
    private readonly Maintenance.MaintenanceClient _maintenance;
    private readonly Etcdserverpb.Lease.LeaseClient _lease;
    private readonly Etcdserverpb.Cluster.ClusterClient _cluster;
    private readonly V3Lockpb.Lock.LockClient _lock;
    private readonly Election.ElectionClient _election;

    public EtcdClient(Uri address)
    {
        Channel = GrpcChannels.Open(address);
        _kv = new KV.KVClient(Channel);
        _maintenance = new Maintenance.MaintenanceClient(Channel);
        _lease = new Etcdserverpb.Lease.LeaseClient(Channel);
        _cluster = new Etcdserverpb.Cluster.ClusterClient(Channel);
        _lock = new V3Lockpb.Lock.LockClient(Channel);
        _election = new Election.ElectionClient(Channel);
    }

    public GrpcChannel Channel { get; }

    private static CallOptions Options(CancellationToken ct = default) => new(deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct);

    public Task<RangeResponse> RangeAsync(RangeRequest request) => _kv.RangeAsync(request, Options()).ResponseAsync;
    public Task<PutResponse> PutAsync(PutRequest request) => _kv.PutAsync(request, Options()).ResponseAsync;
    public Task<DeleteRangeResponse> DeleteRangeAsync(DeleteRangeRequest request) => _kv.DeleteRangeAsync(request, Options()).ResponseAsync;
    public Task<TxnResponse> TxnAsync(TxnRequest request) => _kv.TxnAsync(request, Options()).ResponseAsync;
    public Task<CompactionResponse> CompactAsync(CompactionRequest request) => _kv.CompactAsync(request, Options()).ResponseAsync;
    public Task<StatusResponse> StatusAsync() => _maintenance.StatusAsync(new StatusRequest(), Options()).ResponseAsync;
    public Task<AlarmResponse> AlarmAsync(AlarmRequest request) => _maintenance.AlarmAsync(request, Options()).ResponseAsync;
    public Task<HashResponse> HashAsync() => _maintenance.HashAsync(new HashRequest(), Options()).ResponseAsync;
    public Task<HashKVResponse> HashKvAsync(long revision = 0) => _maintenance.HashKVAsync(new HashKVRequest { Revision = revision }, Options()).ResponseAsync;
    public Task<MoveLeaderResponse> MoveLeaderAsync(ulong targetId) =>
        _maintenance.MoveLeaderAsync(new MoveLeaderRequest { TargetID = targetId }, Options()).ResponseAsync;
    public Task<LeaseGrantResponse> LeaseGrantAsync(LeaseGrantRequest request) => _lease.LeaseGrantAsync(request, Options()).ResponseAsync;
    public Task<LeaseRevokeResponse> LeaseRevokeAsync(long id) => _lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = id }, Options()).ResponseAsync;
    public Task<LeaseTimeToLiveResponse> LeaseTimeToLiveAsync(long id, bool keys) =>
        _lease.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = id, Keys = keys }, Options()).ResponseAsync;
    public Task<LeaseLeasesResponse> LeaseLeasesAsync() => _lease.LeaseLeasesAsync(new LeaseLeasesRequest(), Options()).ResponseAsync;

    /// <summary>One keep-alive on its own stream, as `etcdctl lease keep-alive --once` sends it.</summary>
    public async Task<LeaseKeepAliveResponse> KeepAliveOnceAsync(long id)
    {
        using var call = _lease.LeaseKeepAlive(Options());
        await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = id });
        await foreach (var response in call.ResponseStream.ReadAllAsync()) return response;
        throw new InvalidOperationException("the keep-alive stream ended without an answer");
    }

    public Task<MemberListResponse> MemberListAsync() => _cluster.MemberListAsync(new MemberListRequest(), Options()).ResponseAsync;
    public Task<MemberPromoteResponse> MemberPromoteAsync(ulong id) => _cluster.MemberPromoteAsync(new MemberPromoteRequest { ID = id }, Options()).ResponseAsync;

    public Task<LockResponse> LockAsync(LockRequest request, CancellationToken ct = default) => _lock.LockAsync(request, Options(ct)).ResponseAsync;
    public Task<UnlockResponse> UnlockAsync(ByteString key) => _lock.UnlockAsync(new UnlockRequest { Key = key }, Options()).ResponseAsync;

    public Task<CampaignResponse> CampaignAsync(CampaignRequest request, CancellationToken ct = default) =>
        _election.CampaignAsync(request, Options(ct)).ResponseAsync;
    public Task<ProclaimResponse> ProclaimAsync(ProclaimRequest request) => _election.ProclaimAsync(request, Options()).ResponseAsync;
    public Task<LeaderResponse> LeaderAsync(ByteString name) => _election.LeaderAsync(new LeaderRequest { Name = name }, Options()).ResponseAsync;
    public Task<ResignResponse> ResignAsync(ResignRequest request) => _election.ResignAsync(request, Options()).ResponseAsync;

    /// <summary>The Observe stream: the election's leader, then every proclamation, until <paramref name="ct"/> ends it.</summary>
    public async IAsyncEnumerable<LeaderResponse> ObserveAsync(ByteString name, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var call = _election.Observe(new LeaderRequest { Name = name }, cancellationToken: ct);
        await foreach (var response in call.ResponseStream.ReadAllAsync(ct)) yield return response;
    }

    /// <summary>A Watch stream, as etcdctl opens it (with the "hasleader" metadata clientv3 sends).</summary>
    public AsyncDuplexStreamingCall<WatchRequest, WatchResponse> Watch() =>
        new Etcdserverpb.Watch.WatchClient(Channel).Watch(new Metadata { { "hasleader", "true" } });

    public Task<PutResponse> PutAsync(string key, string value) =>
        PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) });

    /// <summary>A unary call whose request body is sent as given, valid protobuf or not.</summary>
    public Task<byte[]> RawUnaryAsync(string service, string method, byte[] body) =>
        Channel.CreateCallInvoker().AsyncUnaryCall(new Method<byte[], byte[]>(MethodType.Unary, service, method, Bytes, Bytes), null, Options(), body)
            .ResponseAsync;

    public void Dispose() => Channel.Dispose();
}
