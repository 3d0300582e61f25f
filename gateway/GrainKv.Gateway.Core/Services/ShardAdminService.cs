using Google.Protobuf;
using GrainKv.Admin.Protocol;
using GrainKv.Gateway.Routing;
using Grpc.Core;

namespace GrainKv.Gateway.Services;

/// <summary>
/// grainkv.admin.Shards, GrainKv's own service on the client URLs: the shard map with each shard's leader, size and
/// revision, and a shard's leadership moved to another of its replicas.
/// </summary>
public sealed class ShardAdminService(ShardClient shards) : Shards.ShardsBase
{
    public override async Task<ListShardsResponse> List(ListShardsRequest request, ServerCallContext context)
    {
        var map = shards.Map;
        var statuses = await Task.WhenAll(map.Ranges.Select(range => shards.StatusAsync(range.ShardId, context.CancellationToken)));
        var response = new ListShardsResponse { MapVersion = map.Version };
        foreach (var (range, status) in map.Ranges.Zip(statuses))
        {
            var shard = new ShardInfo
            {
                Id = range.ShardId,
                Start = ByteString.CopyFrom(range.Start),
                End = ByteString.CopyFrom(range.End),
                Leader = status.LeaderId,
                Size = status.IndexedKeys,
                Revision = status.Revision,
            };
            shard.Replicas.AddRange(range.Replicas);
            response.Shards.Add(shard);
        }
        return response;
    }

    /// <summary>Answers once the target leads the shard, as etcdctl move-leader does for the cluster.</summary>
    public override async Task<TransferShardLeaderResponse> TransferLeader(TransferShardLeaderRequest request, ServerCallContext context)
    {
        if (shards.Map.Ranges.FirstOrDefault(range => range.ShardId == request.Shard) is not { } range)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"grainkv: no shard {request.Shard}"));
        }
        if (!range.Replicas.Contains(request.Member))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"grainkv: member {request.Member:x} holds no replica of shard {request.Shard}"));
        }
        if (await shards.TransferLeadershipAsync(request.Shard, request.Member, context.CancellationToken) is null)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "grainkv: request timed out, leader transfer took too long"));
        }
        return new TransferShardLeaderResponse();
    }
}
