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
        using var stream = LocalWatchStream.Open(_replicas, _shards.Map.Ranges[0].ShardId);
        var reader = ReadRequestsAsync(stream, requests, context.CancellationToken);
        try
        {
            while (true)
            {
                foreach (var response in await stream.ReceiveAsync(context.CancellationToken))
                {
                    await responses.WriteAsync(response, context.CancellationToken);
                }
            }
        }
        finally
        {
            await reader;
        }
    }

    private static async Task ReadRequestsAsync(LocalWatchStream stream, IAsyncStreamReader<WatchRequest> requests, CancellationToken ct)
    {
        try
        {
            while (await requests.MoveNext(ct)) stream.Send(requests.Current);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
