using Etcdserverpb;
using GrainKv.Gateway.Errors;
using GrainKv.Grains.Replication;
using GrainKv.Shard;
using GrainKv.Watch;

namespace GrainKv.Gateway.Routing;

/// <summary>
/// A Watch stream on this silo's replica of a shard, served from its applied state: requests go in,
/// responses come out in the order they must be sent.
/// </summary>
public sealed class LocalWatchStream : IWatchStream
{
    private readonly ReplicaCore _replica;
    private readonly WatchStream _stream;
    // Never disposed: the replica may still call a wake-up it picked up just before CloseWatch.
    private readonly SemaphoreSlim _wakeUp = new(0);
    private bool _more;

    private LocalWatchStream(ReplicaCore replica)
    {
        _replica = replica;
        _stream = replica.OpenWatch(() => _wakeUp.Release());
    }

    public static LocalWatchStream Open(ReplicaDriver replicas, ulong shardId)
    {
        var replica = replicas.LocalReplica(shardId);
        if (replica is null) EtcdErrors.Throw(ShardError.NoLeader);
        return new LocalWatchStream(replica);
    }

    public void Send(WatchRequest request) => _replica.HandleWatch(_stream, request);

    public async Task<IReadOnlyList<WatchResponse>> ReceiveAsync(CancellationToken ct)
    {
        if (!_more) await _wakeUp.WaitAsync(ct);
        var (responses, more) = _replica.TakeWatchOutbox(_stream);
        _more = more;
        return responses;
    }

    public void Dispose() => _replica.CloseWatch(_stream);
}
