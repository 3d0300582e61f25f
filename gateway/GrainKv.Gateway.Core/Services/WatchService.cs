using Etcdserverpb;
using GrainKv.Gateway.Routing;
using Grpc.Core;

namespace GrainKv.Gateway.Services;

/// <summary>
/// etcdserverpb.Watch: one bidirectional stream carries any number of watchers, served from a
/// replica's applied state (<see cref="IWatchSource"/>) of the first shard: with several shards, a watch of keys
/// elsewhere is refused for now. Requests are handed to the watch core as they arrive; a single
/// writer sends whatever the core has ready, so responses keep their order. The client's
/// half-close does not end the stream (etcd keeps sending events); cancellation does.
/// </summary>
public sealed class WatchService : Etcdserverpb.Watch.WatchBase
{
    private readonly IWatchSource _source;
    private readonly ShardClient _shards;

    public WatchService(IWatchSource source, ShardClient shards)
    {
        _source = source;
        _shards = shards;
    }

    public override async Task Watch(IAsyncStreamReader<WatchRequest> requests, IServerStreamWriter<WatchResponse> responses, ServerCallContext context)
    {
        var shardId = _shards.Map.ClusterStateShard;
        using var stream = _source.Open(shardId);
        // A request the stream cannot take ends it: the reader's error is the call's status.
        using var refused = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var reader = ReadRequestsAsync(stream, shardId, requests, refused);
        try
        {
            while (true)
            {
                foreach (var response in await stream.ReceiveAsync(refused.Token))
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

    private async Task ReadRequestsAsync(IWatchStream stream, ulong shardId, IAsyncStreamReader<WatchRequest> requests, CancellationTokenSource refused)
    {
        try
        {
            while (await requests.MoveNext(refused.Token))
            {
                var request = requests.Current;
                if (request.CreateRequest is { } create && _shards.ShardFor(create.Key.Span, create.RangeEnd.Span) != shardId)
                {
                    throw new RpcException(new Status(StatusCode.Unimplemented, "grainkv: a watch outside the first shard is not supported yet"));
                }
                stream.Send(request);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RpcException)
        {
            refused.Cancel();
            throw;
        }
    }
}
