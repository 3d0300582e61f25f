using Etcdserverpb;
using GrainKv.Gateway.Routing;
using Grpc.Core;

namespace GrainKv.Gateway.Services;

/// <summary>
/// etcdserverpb.Watch: one bidirectional stream carries any number of watchers, served from a
/// replica's applied state (<see cref="IWatchSource"/>). Requests are handed to the watch core as they arrive; a single
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
        using var stream = _source.Open(_shards.Map.Ranges[0].ShardId);
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

    private static async Task ReadRequestsAsync(IWatchStream stream, IAsyncStreamReader<WatchRequest> requests, CancellationToken ct)
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
