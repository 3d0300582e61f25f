using Etcdserverpb;
using GrainKv.Gateway.Routing;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Gateway.Errors;
using GrainKv.Runtime.Grpc;
using GrainKv.Shard;

namespace GrainKv.Gateway.Services;

/// <summary>etcdserverpb.Maintenance: what `etcdctl endpoint status` needs.</summary>
public sealed class MaintenanceService
{
    /// <summary>
    /// The etcd API version GrainKv implements. Clients parse major.minor from it (clientv3 rejects
    /// clusters below 3.2, newer clients below 3.4); GrainKv's own version is in the logs and /version.
    /// </summary>
    public const string EtcdApiVersion = "3.4.0";

    private static readonly TimeSpan LeaderTransferPoll = TimeSpan.FromMilliseconds(20);

    private readonly ShardClient _shards;
    private readonly ClusterIdentity _identity;
    private readonly IDatabaseSize _databaseSize;
    private readonly TimeSpan _leaderTransferTimeout;

    public MaintenanceService(ShardClient shards, ClusterIdentity identity, IDatabaseSize databaseSize, GatewayOptions options)
    {
        _shards = shards;
        _leaderTransferTimeout = options.RequestTimeout;
        _identity = identity;
        _databaseSize = databaseSize;
    }

    /// <summary>
    /// The status of the member whose replica answered: this silo's own (every member holds a replica of the
    /// first shard), or for a stand-alone gateway, the silo it asked, as etcd's gRPC proxy reports its endpoint's.
    /// </summary>
    public async Task<StatusResponse> Status(StatusRequest request, ServerCallContext context)
    {
        var status = await _shards.StatusAsync(_shards.Map.Ranges[0].ShardId, context.CancellationToken);
        var response = new StatusResponse
        {
            Header = new ResponseHeader
            {
                ClusterId = _identity.ClusterId,
                MemberId = status.ReplicaId,
                Revision = status.Revision,
                RaftTerm = status.Term,
            },
            Version = EtcdApiVersion,
            DbSize = _databaseSize.Bytes,
            DbSizeInUse = _databaseSize.Bytes,
            Leader = status.LeaderId,
            RaftIndex = status.CommitIndex,
            RaftTerm = status.Term,
            RaftAppliedIndex = status.AppliedIndex,
        };
        if (status.LeaderId == 0) response.Errors.Add("etcdserver: no leader");
        return response;
    }

    /// <summary>This member's hash of its key history up to a revision, for comparing replicas (etcdctl endpoint hashkv).</summary>
    public async Task<HashKVResponse> HashKV(HashKVRequest request, ServerCallContext context)
    {
        var read = new ShardRead { Serializable = true, HashKv = request };
        return (await _shards.ReadAsync(_shards.Map.Ranges[0].ShardId, read, context.CancellationToken)).HashKv;
    }

    /// <summary>
    /// etcdctl move-leader: the request must reach the leader (the member <see cref="Status"/> reports), which
    /// hands leadership to the target and answers once the target leads, as etcd does.
    /// </summary>
    public async Task<MoveLeaderResponse> MoveLeader(MoveLeaderRequest request, ServerCallContext context)
    {
        var shard = _shards.Map.Ranges[0].ShardId;
        var status = await _shards.StatusAsync(shard, context.CancellationToken);
        if (status.LeaderId != status.ReplicaId) EtcdErrors.Throw(ShardError.NotLeader);
        var memberId = status.ReplicaId;
        var reply = await _shards.TransferLeadershipAsync(shard, request.TargetID);
        if (reply.Error != ShardError.None) EtcdErrors.Throw(reply.Error);
        var deadline = DateTime.UtcNow + _leaderTransferTimeout;
        while (DateTime.UtcNow < deadline)
        {
            status = await _shards.StatusAsync(shard, context.CancellationToken);
            if (status.LeaderId == request.TargetID)
            {
                return new MoveLeaderResponse { Header = new ResponseHeader { ClusterId = _identity.ClusterId, MemberId = memberId, Revision = status.Revision, RaftTerm = status.Term } };
            }
            await Task.Delay(LeaderTransferPoll, context.CancellationToken);
        }
        throw new RpcException(StatusCode.Unknown, "etcdserver: request timed out, leader transfer took too long");
    }
}
