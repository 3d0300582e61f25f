using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;
using V3Electionpb;
using V3Lockpb;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>A typed etcd v3 client over our own gRPC client, used against etcd and GrainKv alike.</summary>
public sealed class EtcdClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);
    private readonly GrpcClient _grpc;

    public EtcdClient(Uri address)
    {
        _grpc = new GrpcClient(address);
    }

    public GrpcClient Grpc => _grpc;

    public Task<RangeResponse> RangeAsync(RangeRequest request) => Call("/etcdserverpb.KV/Range", request, RangeResponse.Parser);
    public Task<PutResponse> PutAsync(PutRequest request) => Call("/etcdserverpb.KV/Put", request, PutResponse.Parser);
    public Task<DeleteRangeResponse> DeleteRangeAsync(DeleteRangeRequest request) => Call("/etcdserverpb.KV/DeleteRange", request, DeleteRangeResponse.Parser);
    public Task<TxnResponse> TxnAsync(TxnRequest request) => Call("/etcdserverpb.KV/Txn", request, TxnResponse.Parser);
    public Task<CompactionResponse> CompactAsync(CompactionRequest request) => Call("/etcdserverpb.KV/Compact", request, CompactionResponse.Parser);
    public Task<StatusResponse> StatusAsync() => Call("/etcdserverpb.Maintenance/Status", new StatusRequest(), StatusResponse.Parser);
    public Task<LeaseGrantResponse> LeaseGrantAsync(LeaseGrantRequest request) => Call("/etcdserverpb.Lease/LeaseGrant", request, LeaseGrantResponse.Parser);
    public Task<LeaseRevokeResponse> LeaseRevokeAsync(long id) => Call("/etcdserverpb.Lease/LeaseRevoke", new LeaseRevokeRequest { ID = id }, LeaseRevokeResponse.Parser);
    public Task<LeaseTimeToLiveResponse> LeaseTimeToLiveAsync(long id, bool keys) => Call("/etcdserverpb.Lease/LeaseTimeToLive", new LeaseTimeToLiveRequest { ID = id, Keys = keys }, LeaseTimeToLiveResponse.Parser);
    public Task<LeaseLeasesResponse> LeaseLeasesAsync() => Call("/etcdserverpb.Lease/LeaseLeases", new LeaseLeasesRequest(), LeaseLeasesResponse.Parser);

    /// <summary>One keep-alive on its own stream, as `etcdctl lease keep-alive --once` sends it.</summary>
    public async Task<LeaseKeepAliveResponse> KeepAliveOnceAsync(long id)
    {
        using var call = _grpc.Duplex<LeaseKeepAliveRequest, LeaseKeepAliveResponse>("/etcdserverpb.Lease/LeaseKeepAlive", LeaseKeepAliveResponse.Parser, timeout: CallTimeout);
        await call.WriteAsync(new LeaseKeepAliveRequest { ID = id });
        await foreach (var response in call.ReadAllAsync()) return response;
        throw new InvalidOperationException("the keep-alive stream ended without an answer");
    }

    public Task<MemberListResponse> MemberListAsync() => Call("/etcdserverpb.Cluster/MemberList", new MemberListRequest(), MemberListResponse.Parser);

    public Task<LockResponse> LockAsync(LockRequest request, CancellationToken ct = default) =>
        _grpc.UnaryAsync("/v3lockpb.Lock/Lock", request, LockResponse.Parser, timeout: CallTimeout, ct: ct);
    public Task<UnlockResponse> UnlockAsync(ByteString key) => Call("/v3lockpb.Lock/Unlock", new UnlockRequest { Key = key }, UnlockResponse.Parser);

    public Task<CampaignResponse> CampaignAsync(CampaignRequest request, CancellationToken ct = default) =>
        _grpc.UnaryAsync("/v3electionpb.Election/Campaign", request, CampaignResponse.Parser, timeout: CallTimeout, ct: ct);
    public Task<ProclaimResponse> ProclaimAsync(ProclaimRequest request) => Call("/v3electionpb.Election/Proclaim", request, ProclaimResponse.Parser);
    public Task<LeaderResponse> LeaderAsync(ByteString name) => Call("/v3electionpb.Election/Leader", new LeaderRequest { Name = name }, LeaderResponse.Parser);
    public Task<ResignResponse> ResignAsync(ResignRequest request) => Call("/v3electionpb.Election/Resign", request, ResignResponse.Parser);

    /// <summary>The Observe stream: the election's leader, then every proclamation, until <paramref name="ct"/> ends it.</summary>
    public IAsyncEnumerable<LeaderResponse> ObserveAsync(ByteString name, CancellationToken ct) =>
        _grpc.ServerStreamingAsync("/v3electionpb.Election/Observe", new LeaderRequest { Name = name }, LeaderResponse.Parser, ct: ct);

    public Task<PutResponse> PutAsync(string key, string value) =>
        PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) });

    public Task<TResponse> Call<TRequest, TResponse>(string path, TRequest request, MessageParser<TResponse> parser)
        where TRequest : IMessage where TResponse : IMessage<TResponse> =>
        _grpc.UnaryAsync(path, request, parser, timeout: CallTimeout);

    public void Dispose() => _grpc.Dispose();
}
