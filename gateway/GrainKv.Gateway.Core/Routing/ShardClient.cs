using System.Diagnostics;
using GrainKv.Gateway.Errors;
using GrainKv.Grains;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Grains.Sharding;
using GrainKv.Shard;
using Grpc.Core;
using Orleans;

namespace GrainKv.Gateway.Routing;

/// <summary>
/// The gateway's way into the shards: finds the shard that owns a request's keys in the shard map
/// and calls that shard's front door (<see cref="IShardFrontDoors"/>), bounded by etcd's request timeout.
/// </summary>
public sealed class ShardClient
{
    /// <summary>The pause before asking again after a silo dropped away.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan LeaderTransferPoll = TimeSpan.FromMilliseconds(20);

    private readonly IShardFrontDoors _frontDoors;
    private readonly ShardLeaders _leaders;
    private readonly GatewayOptions _options;
    private readonly GrainCallsReady _ready;

    public ShardClient(IShardFrontDoors frontDoors, ShardMap map, ShardLeaders leaders, GatewayOptions options, GrainCallsReady ready)
    {
        _frontDoors = frontDoors;
        _ready = ready;
        Map = map;
        _leaders = leaders;
        _options = options;
    }

    public ShardMap Map { get; }

    /// <summary>The one shard that holds every key of [key, rangeEnd).</summary>
    public ulong ShardFor(ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd)
    {
        var shards = Map.ShardsFor(key, rangeEnd);
        if (shards.Count != 1)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented,
                "grainkv: a request spanning several shards is not supported yet"));
        }
        return shards[0];
    }

    public Task<ShardReply> ProposeAsync(ulong shardId, ShardCommand command, CancellationToken ct) =>
        CallAsync(shardId, static (group, command) => group.Propose(command), command, idempotent: false, ct);

    public Task<ShardReply> ReadAsync(ulong shardId, ShardRead read, CancellationToken ct) =>
        CallAsync(shardId, static (group, read) => group.Read(read), read, idempotent: true, ct);

    public Task<ShardStatus> StatusAsync(ulong shardId, CancellationToken ct = default) =>
        WithinRequestTimeoutAsync(shardId, static (group, _) => group.GetStatus(), default(object), idempotent: true, ct);

    /// <summary>
    /// Hands the shard's leadership to <paramref name="targetId"/> and waits, within the request timeout, until the
    /// shard's nearest replica knows the target leads: its status then, or null if it did not in time.
    /// </summary>
    public async Task<ShardStatus?> TransferLeadershipAsync(ulong shardId, ulong targetId, CancellationToken ct)
    {
        var reply = await Group(shardId).TransferLeadership(targetId);
        if (reply.Error != ShardError.None) EtcdErrors.Throw(reply.Error);
        var deadline = DateTime.UtcNow + _options.RequestTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var status = await StatusAsync(shardId, ct);
            if (status.LeaderId == targetId) return status;
            await Task.Delay(LeaderTransferPoll, ct);
        }
        return null;
    }

    private IShardFrontDoor Group(ulong shardId) => _frontDoors.For(shardId);

    /// <remarks>The call takes its argument as a parameter, so a static lambda makes no closure per request.</remarks>
    private async Task<ShardReply> CallAsync<TArg>(ulong shardId, Func<IShardFrontDoor, TArg, Task<ShardReply>> call, TArg arg, bool idempotent,
        CancellationToken ct)
    {
        var reply = await WithinRequestTimeoutAsync(shardId, call, arg, idempotent, ct);
        if (reply.Error != ShardError.None) EtcdErrors.Throw(reply.Error);
        _leaders.Observe(shardId, reply.LeaderId);
        return reply;
    }

    /// <summary>
    /// Runs the call within etcd's request timeout, once this process may call grains. When an Orleans client's call
    /// is lost on the way to its gateway silo (a silo's own front door never is), only a call that may run twice or
    /// never ran is sent again (<see cref="LostCall"/>): anything else may have run, so its outcome is unknown and, as
    /// etcd answers a write lost with its leader, it times out.
    /// </summary>
    private async Task<T> WithinRequestTimeoutAsync<T, TArg>(ulong shardId, Func<IShardFrontDoor, TArg, Task<T>> call, TArg arg, bool idempotent,
        CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var left = _options.RequestTimeout - Stopwatch.GetElapsedTime(started);
            try
            {
                if (!_ready.WhenReady.IsCompleted) await _ready.WhenReady.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, ct);
                return await call(Group(shardId), arg).WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, ct);
            }
            catch (TimeoutException)
            {
                EtcdErrors.Throw(ShardError.Timeout);
            }
            catch (Exception error) when (LostCall.Is(error) && LostCall.AllowsResend(error, idempotent) && left > RetryDelay)
            {
                await Task.Delay(RetryDelay, ct);
            }
            catch (Exception error) when (LostCall.Is(error))
            {
                EtcdErrors.Throw(ShardError.Timeout);
            }
        }
    }
}
