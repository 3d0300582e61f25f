using Etcdserverpb;
using GrainKv.Gateway.Routing;
using Grpc.Core;

namespace GrainKv.Gateway.Services;

/// <summary>
/// etcdserverpb.Watch: one bidirectional stream carries any number of watchers, served from a
/// replica's applied state (<see cref="IWatchSource"/>), each watcher on the shard that holds its keys
/// (<see cref="ShardedWatchStream"/>). Requests are handed to the watch core as they arrive; a single
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
        using var stream = ShardedWatchStream.Open(_source, _shards.Map);
        // A request the stream cannot take ends it: the reader's error is the call's status.
        using var refused = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var reader = ReadRequestsAsync(stream, requests, refused);
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

    private static async Task ReadRequestsAsync(IWatchStream stream, IAsyncStreamReader<WatchRequest> requests, CancellationTokenSource refused)
    {
        try
        {
            while (await requests.MoveNext(refused.Token)) stream.Send(requests.Current);
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
