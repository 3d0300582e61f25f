using Etcdserverpb;
using GrainKv.Gateway.Routing;
using GrainKv.Grains.Replication;
using GrainKv.Runtime.Grpc;

namespace GrainKv.Gateway.Services;

/// <summary>
/// etcdserverpb.Watch: one bidirectional stream carries any number of watchers, served from this
/// silo's replica's applied state. Requests are handed to the watch core as they arrive; a single
/// writer sends whatever the core has ready, so responses keep their order. The client's
/// half-close does not end the stream (etcd keeps sending events); cancellation does.
/// </summary>
public sealed class WatchService
{
    private readonly ReplicaDriver _replicas;
    private readonly ShardClient _shards;

    public WatchService(ReplicaDriver replicas, ShardClient shards)
    {
        _replicas = replicas;
        _shards = shards;
    }

    public async Task Watch(IAsyncStreamReader<WatchRequest> requests, IServerStreamWriter<WatchResponse> responses, ServerCallContext context)
    {
        var replica = _replicas.LocalReplica(_shards.Map.Ranges[0].ShardId)
            ?? throw new RpcException(StatusCode.Unavailable, "etcdserver: no leader");
        using var wakeUp = new SemaphoreSlim(0);
        var stream = replica.OpenWatch(() => wakeUp.Release());
        var reader = ReadRequestsAsync(replica, stream, requests, context.CancellationToken);
        try
        {
            while (true)
            {
                await wakeUp.WaitAsync(context.CancellationToken);
                bool more;
                do
                {
                    var outbox = replica.TakeWatchOutbox(stream);
                    foreach (var response in outbox.Responses) await responses.WriteAsync(response, context.CancellationToken);
                    more = outbox.More;
                }
                while (more);
            }
        }
        finally
        {
            replica.CloseWatch(stream);
            await reader;
        }
    }

    private static async Task ReadRequestsAsync(ReplicaCore replica, GrainKv.Watch.WatchStream stream,
        IAsyncStreamReader<WatchRequest> requests, CancellationToken ct)
    {
        try
        {
            while (await requests.MoveNext(ct)) replica.HandleWatch(stream, requests.Current);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
