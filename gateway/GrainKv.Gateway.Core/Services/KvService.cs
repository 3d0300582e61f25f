using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Gateway.Errors;
using GrainKv.Gateway.Routing;
using GrainKv.Grains.Replication;
using GrainKv.Grains.Shard;
using GrainKv.Mvcc;
using GrainKv.Shard;
using Grpc.Core;

namespace GrainKv.Gateway.Services;

/// <summary>
/// etcdserverpb.KV: validates a request as etcd's API layer does, routes it to its shard, and
/// returns the shard's answer. Writes go through Raft; reads are linearizable unless asked not to be.
/// </summary>
public sealed class KvService : KV.KVBase
{
    private readonly ShardClient _shards;
    private readonly GatewayOptions _options;
    private readonly IRevisionSource? _revisions;

    /// <param name="revisions">Group 0's revision oracle, with several shards: a read over several reads at one of its revisions.</param>
    public KvService(ShardClient shards, GatewayOptions options, IRevisionSource? revisions = null)
    {
        _shards = shards;
        _options = options;
        _revisions = revisions;
    }

    public override Task<RangeResponse> Range(RangeRequest request, ServerCallContext context) => RangeAsync(request, context.CancellationToken);

    public async Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken ct)
    {
        Check(KvRequestValidator.Validate(request));
        if (_revisions is not null && _shards.Map.ShardsFor(request.Key.Span, request.RangeEnd.Span).Count > 1) return await ShardedRangeAsync(request, _revisions, ct);
        var shard = _shards.ShardFor(request.Key.Span, request.RangeEnd.Span);
        var reply = await _shards.ReadAsync(shard, new ShardRead { Range = request, Serializable = request.Serializable }, ct);
        return reply.Range;
    }

    /// <summary>
    /// A range over several shards, read on each at one revision allocated after the request came, so it sees every
    /// write acknowledged before (serializable ones too, for now), answered with that revision. A revision asked for
    /// must have been handed out already.
    /// </summary>
    private async Task<RangeResponse> ShardedRangeAsync(RangeRequest request, IRevisionSource revisions, CancellationToken ct)
    {
        var revision = await NextRevisionAsync(revisions).WaitAsync(_options.RequestTimeout, ct);
        if (request.Revision >= revision) EtcdErrors.Throw(ShardError.FutureRevision);
        var parts = ShardedRange.Split(request, _shards.Map);
        var answers = await Task.WhenAll(parts.Select(part => _shards.ReadAsync(part.ShardId, new ShardRead { Range = part.Part, Revision = revision }, ct)));
        return ShardedRange.Merge(request, answers.Select(answer => answer.Range).ToList(), revision);
    }

    private static Task<long> NextRevisionAsync(IRevisionSource revisions)
    {
        var allocated = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        revisions.Request(allocated.SetResult, error =>
        {
            var (code, message) = EtcdErrors.ToStatus(error);
            allocated.SetException(new RpcException(new Status(code, message)));
        });
        return allocated.Task;
    }

    public override Task<PutResponse> Put(PutRequest request, ServerCallContext context) => PutAsync(request, context.CancellationToken);

    public async Task<PutResponse> PutAsync(PutRequest request, CancellationToken ct)
    {
        Check(KvRequestValidator.Validate(request));
        var shard = _shards.ShardFor(request.Key.Span, default);
        if (request.Lease != 0) RefuseLeaseOutsideClusterStateShard(shard);
        var reply = await ProposeAsync(shard, new ShardCommand { Put = request }, ct);
        return reply.Put;
    }

    public override Task<DeleteRangeResponse> DeleteRange(DeleteRangeRequest request, ServerCallContext context) =>
        DeleteRangeAsync(request, context.CancellationToken);

    public async Task<DeleteRangeResponse> DeleteRangeAsync(DeleteRangeRequest request, CancellationToken ct)
    {
        Check(KvRequestValidator.Validate(request));
        var shard = _shards.ShardFor(request.Key.Span, request.RangeEnd.Span);
        var reply = await ProposeAsync(shard, new ShardCommand { DeleteRange = request }, ct);
        return reply.DeleteRange;
    }

    public override Task<TxnResponse> Txn(TxnRequest request, ServerCallContext context) => TxnAsync(request, context.CancellationToken);

    public async Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken ct)
    {
        Check(KvRequestValidator.Validate(request, _options.MaxTxnOps));
        var shard = ShardOf(request);
        if (TxnShape.AttachesLease(request)) RefuseLeaseOutsideClusterStateShard(shard);
        if (TxnShape.IsReadOnly(request))
        {
            var read = new ShardRead { Txn = request, Serializable = TxnShape.IsSerializable(request) };
            return (await _shards.ReadAsync(shard, read, ct)).Txn;
        }
        return (await ProposeAsync(shard, new ShardCommand { Txn = request }, ct)).Txn;
    }

    public override async Task<CompactionResponse> Compact(CompactionRequest request, ServerCallContext context)
    {
        CompactionResponse? response = null;
        foreach (var range in _shards.Map.Ranges)
        {
            response = (await ProposeAsync(range.ShardId, new ShardCommand { Compaction = request }, context.CancellationToken)).Compaction;
        }
        return response!;
    }

    private Task<ShardReply> ProposeAsync(ulong shard, ShardCommand command, CancellationToken ct)
    {
        if (command.CalculateSize() > _options.MaxRequestBytes) EtcdErrors.Throw(ShardError.RequestTooLarge);
        return _shards.ProposeAsync(shard, command, ct);
    }

    private ulong ShardOf(TxnRequest request)
    {
        ulong? shard = null;
        foreach (var (key, rangeEnd) in TxnShape.Intervals(request))
        {
            var owner = _shards.ShardFor(key.Span, rangeEnd.Span);
            if (shard is not null && shard != owner)
            {
                throw new RpcException(new Status(StatusCode.Unimplemented, "grainkv: a txn spanning several shards is not supported yet"));
            }
            shard = owner;
        }
        return shard ?? _shards.Map.ClusterStateShard;
    }

    /// <summary>Leases live on the first shard: with several shards, keys elsewhere cannot be attached to one yet.</summary>
    private void RefuseLeaseOutsideClusterStateShard(ulong shard)
    {
        if (shard != _shards.Map.ClusterStateShard)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "grainkv: a key outside the first shard cannot be attached to a lease yet"));
        }
    }

    private static void Check(KvError error)
    {
        if (error != KvError.None) EtcdErrors.Throw(ShardErrors.From(error));
    }
}
