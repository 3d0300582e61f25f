using Etcdserverpb;
using GrainKv.Gateway.Routing;
using GrainKv.Shard;
using Grpc.Core;

namespace GrainKv.Gateway.Services;

/// <summary>
/// etcdserverpb.Lease. Grants and revokes go through Raft; keep-alives, time-to-live and the lease
/// list are answered by the leader, whose clock runs the TTLs. Leases live on the first shard; a
/// lease spanning several shards comes with the multi-shard lease registry.
/// </summary>
public sealed class LeaseService : Lease.LeaseBase
{
    private readonly ShardClient _shards;

    public LeaseService(ShardClient shards)
    {
        _shards = shards;
    }

    private ulong LeaseShard => _shards.Map.ClusterStateShard;

    public override Task<LeaseGrantResponse> LeaseGrant(LeaseGrantRequest request, ServerCallContext context) =>
        LeaseGrantAsync(request, context.CancellationToken);

    public async Task<LeaseGrantResponse> LeaseGrantAsync(LeaseGrantRequest request, CancellationToken ct)
    {
        var grant = request.Clone();
        // etcd picks a random positive id when the client leaves it 0; the proposer does, so every replica agrees.
        if (grant.ID == 0) grant.ID = Random.Shared.NextInt64(1, long.MaxValue);
        var reply = await _shards.ProposeAsync(LeaseShard, new ShardCommand { LeaseGrant = grant }, ct);
        return reply.LeaseGrant;
    }

    public override Task<LeaseRevokeResponse> LeaseRevoke(LeaseRevokeRequest request, ServerCallContext context) =>
        LeaseRevokeAsync(request, context.CancellationToken);

    public async Task<LeaseRevokeResponse> LeaseRevokeAsync(LeaseRevokeRequest request, CancellationToken ct) =>
        (await _shards.ProposeAsync(LeaseShard, new ShardCommand { LeaseRevoke = request }, ct)).LeaseRevoke;

    public override Task<LeaseTimeToLiveResponse> LeaseTimeToLive(LeaseTimeToLiveRequest request, ServerCallContext context) =>
        LeaseTimeToLiveAsync(request, context.CancellationToken);

    public async Task<LeaseTimeToLiveResponse> LeaseTimeToLiveAsync(LeaseTimeToLiveRequest request, CancellationToken ct) =>
        (await _shards.ReadAsync(LeaseShard, new ShardRead { LeaseTimeToLive = request }, ct)).LeaseTimeToLive;

    public override async Task<LeaseLeasesResponse> LeaseLeases(LeaseLeasesRequest request, ServerCallContext context) =>
        (await _shards.ReadAsync(LeaseShard, new ShardRead { LeaseLeases = request }, context.CancellationToken)).LeaseLeases;

    public async Task<LeaseKeepAliveResponse> LeaseKeepAliveAsync(LeaseKeepAliveRequest request, CancellationToken ct) =>
        (await _shards.ReadAsync(LeaseShard, new ShardRead { LeaseKeepAlive = request }, ct)).LeaseKeepAlive;

    /// <summary>One answer per request, in order; the stream ends with OK when the client half-closes.</summary>
    public override async Task LeaseKeepAlive(IAsyncStreamReader<LeaseKeepAliveRequest> requests, IServerStreamWriter<LeaseKeepAliveResponse> responses,
        ServerCallContext context)
    {
        while (await requests.MoveNext(context.CancellationToken))
        {
            await responses.WriteAsync(await LeaseKeepAliveAsync(requests.Current, context.CancellationToken), context.CancellationToken);
        }
    }
}
