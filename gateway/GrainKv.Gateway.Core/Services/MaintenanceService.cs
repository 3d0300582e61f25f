using Etcdserverpb;
using GrainKv.Gateway.Routing;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Runtime.Grpc;

namespace GrainKv.Gateway.Services;

/// <summary>etcdserverpb.Maintenance: what `etcdctl endpoint status` needs.</summary>
public sealed class MaintenanceService
{
    /// <summary>
    /// The etcd API version GrainKv implements. Clients parse major.minor from it (clientv3 rejects
    /// clusters below 3.2, newer clients below 3.4); GrainKv's own version is in the logs and /version.
    /// </summary>
    public const string EtcdApiVersion = "3.4.0";

    private readonly ShardClient _shards;
    private readonly ClusterIdentity _identity;
    private readonly IDatabaseSize _databaseSize;

    public MaintenanceService(ShardClient shards, ClusterIdentity identity, IDatabaseSize databaseSize)
    {
        _shards = shards;
        _identity = identity;
        _databaseSize = databaseSize;
    }

    public async Task<StatusResponse> Status(StatusRequest request, ServerCallContext context)
    {
        var status = await _shards.StatusAsync(_shards.Map.Ranges[0].ShardId);
        var response = new StatusResponse
        {
            Header = new ResponseHeader
            {
                ClusterId = _identity.ClusterId,
                MemberId = _identity.MemberId,
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
}
