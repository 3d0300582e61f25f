using Etcdserverpb;
using GrainKv.Gateway.Routing;
using GrainKv.Gateway.Services;
using GrainKv.Grains;
using Grpc.Core;
using Orleans;
using Orleans.Concurrency;

namespace GrainKv.Gateway.Grains;

/// <summary>
/// The etcd API as grain calls (<see cref="IKeyValueGrain"/>), answered by this silo's etcd services, so a request
/// means and is checked exactly as it is over gRPC; their refusals leave as <see cref="EtcdException"/>. Calls
/// interleave: a watch being enumerated must not hold up the session's other requests.
/// </summary>
[Reentrant]
[GrainType("grainkv.keyvalue")]
public sealed class KeyValueGrain(KvService kv, LeaseService leases, IWatchSource watches, ShardClient shards) : Grain, IKeyValueGrain
{
    /// <summary>How long a watch waits for events before it answers with an empty response.</summary>
    private static readonly TimeSpan QuietWatch = TimeSpan.FromSeconds(10);

    public Task<RangeResponse> Range(RangeRequest request) => AnswerAsync(() => kv.RangeAsync(request, CancellationToken.None));

    public Task<PutResponse> Put(PutRequest request) => AnswerAsync(() => kv.PutAsync(request, CancellationToken.None));

    public Task<DeleteRangeResponse> DeleteRange(DeleteRangeRequest request) => AnswerAsync(() => kv.DeleteRangeAsync(request, CancellationToken.None));

    public Task<TxnResponse> Txn(TxnRequest request) => AnswerAsync(() => kv.TxnAsync(request, CancellationToken.None));

    public Task<LeaseGrantResponse> LeaseGrant(LeaseGrantRequest request) => AnswerAsync(() => leases.LeaseGrantAsync(request, CancellationToken.None));

    public Task<LeaseKeepAliveResponse> LeaseKeepAlive(LeaseKeepAliveRequest request) =>
        AnswerAsync(() => leases.LeaseKeepAliveAsync(request, CancellationToken.None));

    public Task<LeaseTimeToLiveResponse> LeaseTimeToLive(LeaseTimeToLiveRequest request) =>
        AnswerAsync(() => leases.LeaseTimeToLiveAsync(request, CancellationToken.None));

    public Task<LeaseRevokeResponse> LeaseRevoke(LeaseRevokeRequest request) => AnswerAsync(() => leases.LeaseRevokeAsync(request, CancellationToken.None));

    public async IAsyncEnumerable<WatchResponse> Watch(WatchCreateRequest request)
    {
        using var stream = ShardedWatchStream.Open(watches, shards.Map);
        stream.Send(new WatchRequest { CreateRequest = request });
        while (true)
        {
            IReadOnlyList<WatchResponse> responses;
            using (var quiet = new CancellationTokenSource(QuietWatch))
            {
                try
                {
                    responses = await stream.ReceiveAsync(quiet.Token);
                }
                catch (OperationCanceledException)
                {
                    responses = [new WatchResponse()];
                }
            }
            foreach (var response in responses) yield return response;
        }
    }

    private static async Task<T> AnswerAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException refused)
        {
            throw new EtcdException(refused.StatusCode, refused.Status.Detail);
        }
    }
}
