using GrainKv.Gateway.Errors;
using GrainKv.Grains;
using GrainKv.Grains.Sharding;
using GrainKv.Runtime;
using GrainKv.Shard;

namespace GrainKv.Gateway.Routing;

/// <summary>
/// The gateway's way into the shards: finds the shard that owns a request's keys in the shard map
/// and calls that shard's <see cref="IRaftGroupGrain"/>, bounded by etcd's request timeout.
/// </summary>
public sealed class ShardClient
{
    private readonly IGrainFactory _grains;
    private readonly GatewayOptions _options;

    public ShardClient(IGrainFactory grains, ShardMap map, GatewayOptions options)
    {
        _grains = grains;
        Map = map;
        _options = options;
    }

    public ShardMap Map { get; }

    /// <summary>The one shard that holds every key of [key, rangeEnd).</summary>
    public ulong ShardFor(ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd)
    {
        var shards = Map.ShardsFor(key, rangeEnd);
        if (shards.Count != 1)
        {
            throw new Runtime.Grpc.RpcException(Runtime.Grpc.StatusCode.Unimplemented,
                "grainkv: a request spanning several shards is not supported yet");
        }
        return shards[0];
    }

    public Task<ShardReply> ProposeAsync(ulong shardId, ShardCommand command, CancellationToken ct) =>
        CallAsync(_grains.GetGrain<IRaftGroupGrain>((long)shardId).Propose(command), ct);

    public Task<ShardReply> ReadAsync(ulong shardId, ShardRead read, CancellationToken ct) =>
        CallAsync(_grains.GetGrain<IRaftGroupGrain>((long)shardId).Read(read), ct);

    public Task<ShardStatus> StatusAsync(ulong shardId) => _grains.GetGrain<IRaftGroupGrain>((long)shardId).GetStatus();

    public Task<ShardReply> TransferLeadershipAsync(ulong shardId, ulong targetId) =>
        _grains.GetGrain<IRaftGroupGrain>((long)shardId).TransferLeadership(targetId);

    private async Task<ShardReply> CallAsync(Task<ShardReply> call, CancellationToken ct)
    {
        ShardReply reply;
        try
        {
            reply = await call.WaitAsync(_options.RequestTimeout, ct);
        }
        catch (TimeoutException)
        {
            EtcdErrors.Throw(ShardError.Timeout);
            throw;
        }
        if (reply.Error != ShardError.None) EtcdErrors.Throw(reply.Error);
        return reply;
    }
}
