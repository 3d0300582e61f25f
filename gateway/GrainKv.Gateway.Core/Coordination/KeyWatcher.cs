using System.Diagnostics;
using System.Runtime.CompilerServices;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Gateway.Errors;
using GrainKv.Gateway.Routing;
using GrainKv.Shard;
using Mvccpb;

namespace GrainKv.Gateway.Coordination;

/// <summary>
/// How the Lock and Election services watch: each watch is a stream of its own with one watcher, from the
/// <see cref="IWatchSource"/> of the key's shard.
/// </summary>
public sealed class KeyWatcher
{
    private readonly IWatchSource _source;
    private readonly ShardClient _shards;

    public KeyWatcher(IWatchSource source, ShardClient shards)
    {
        _source = source;
        _shards = shards;
    }

    /// <summary>Returns at the first deletion of <paramref name="key"/> at or after <paramref name="fromRevision"/>.</summary>
    public async Task WaitForDeleteAsync(ByteString key, long fromRevision, CancellationToken ct)
    {
        await foreach (var response in WatchAsync(key, ByteString.Empty, fromRevision, ct))
        {
            if (response.Events.Any(e => e.Type == Event.Types.EventType.Delete)) return;
        }
        throw new UnreachableException("a watch ends only by cancellation or error");
    }

    /// <summary>
    /// Every response with events on [key, rangeEnd) from <paramref name="startRevision"/> on, until
    /// cancelled; a compacted start fails with etcd's Compacted error.
    /// </summary>
    public async IAsyncEnumerable<WatchResponse> WatchAsync(ByteString key, ByteString rangeEnd, long startRevision,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var stream = _source.Open(_shards.ShardFor(key.Span, rangeEnd.Span));
        stream.Send(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest { Key = key, RangeEnd = rangeEnd, StartRevision = startRevision },
        });
        while (true)
        {
            foreach (var response in await stream.ReceiveAsync(ct))
            {
                if (response.CompactRevision != 0) EtcdErrors.Throw(ShardError.Compacted);
                if (response.Events.Count > 0) yield return response;
            }
        }
    }
}
