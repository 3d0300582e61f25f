using Etcdserverpb;
using GrainKv.Gateway.Errors;
using GrainKv.Gateway.Routing;
using GrainKv.Gateway.Snapshots;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Shard;
using Grpc.Core;

namespace GrainKv.Gateway.Services;

/// <summary>etcdserverpb.Maintenance: what `etcdctl endpoint status` needs.</summary>
public sealed class MaintenanceService : Maintenance.MaintenanceBase
{
    /// <summary>
    /// The etcd API version GrainKv implements. Clients parse major.minor from it (clientv3 rejects
    /// clusters below 3.2, newer clients below 3.4); GrainKv's own version is in the logs and /version.
    /// </summary>
    public const string EtcdApiVersion = "3.4.0";

    private readonly ShardClient _shards;
    private readonly ClusterIdentity _identity;
    private readonly ClusterAlarms _alarms;
    private readonly MemberReplicas _memberReplicas;

    public MaintenanceService(ShardClient shards, ClusterIdentity identity, ClusterAlarms alarms, MemberReplicas memberReplicas)
    {
        _memberReplicas = memberReplicas;
        _alarms = alarms;
        _shards = shards;
        _identity = identity;
    }

    /// <summary>
    /// The status of the member whose replica answered: this silo's own (every member holds a replica of the
    /// first shard), or for a stand-alone gateway, the silo it asked, as etcd's gRPC proxy reports its endpoint's;
    /// dbSize is that silo's log store's. With several shards the Raft fields are the first shard's, and the revision is
    /// the latest any shard of this member has applied.
    /// </summary>
    public override async Task<StatusResponse> Status(StatusRequest request, ServerCallContext context)
    {
        var status = await _shards.StatusAsync(_shards.Map.ClusterStateShard, context.CancellationToken);
        var revision = status.Revision;
        foreach (var range in _shards.Map.Ranges.Skip(1))
        {
            revision = Math.Max(revision, (await _shards.StatusAsync(range.ShardId, context.CancellationToken)).Revision);
        }
        var response = new StatusResponse
        {
            Header = new ResponseHeader
            {
                ClusterId = _identity.ClusterId,
                MemberId = status.ReplicaId,
                Revision = revision,
                RaftTerm = status.Term,
            },
            Version = EtcdApiVersion,
            DbSize = status.DbSize,
            DbSizeInUse = status.DbSize,
            Leader = status.LeaderId,
            RaftIndex = status.CommitIndex,
            RaftTerm = status.Term,
            RaftAppliedIndex = status.AppliedIndex,
        };
        if (status.LeaderId == 0) response.Errors.Add("etcdserver: no leader");
        response.Errors.AddRange(status.Alarms.Select(ClusterAlarms.Describe));
        return response;
    }

    /// <summary>etcdctl alarm list / disarm: the cluster's alarms, read and changed through Raft.</summary>
    public override Task<AlarmResponse> Alarm(AlarmRequest request, ServerCallContext context) => _alarms.ProposeAsync(request, context.CancellationToken);

    /// <summary>This member's hash of its key history up to a revision, for comparing replicas (etcdctl endpoint hashkv).</summary>
    public override async Task<HashKVResponse> HashKV(HashKVRequest request, ServerCallContext context)
    {
        var read = new ShardRead { Serializable = true, HashKv = request };
        return (await _shards.ReadAsync(_shards.Map.ClusterStateShard, read, context.CancellationToken)).HashKv;
    }

    /// <summary>
    /// etcdctl snapshot save: the answering member's shard states, each taken at one applied index in the bytes its
    /// Raft snapshots hold, behind a <see cref="MemberSnapshotHeader"/>, in etcd's stream format.
    /// </summary>
    public override async Task Snapshot(SnapshotRequest request, IServerStreamWriter<SnapshotResponse> responses, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var (status, replicas) = await _memberReplicas.FindAsync(ct);
        var shards = new List<ShardStateHeader>(replicas.Count);
        var states = new List<ReadOnlyMemory<byte>>(replicas.Count);
        foreach (var (shardId, replica) in replicas)
        {
            var image = await replica.TakeImage().WaitAsync(ct);
            shards.Add(new ShardStateHeader(shardId, image.AppliedIndex, image.Revision, (ulong)image.State.Length));
            states.Add(image.State.Memory);
        }
        var header = new MemberSnapshotHeader(status.ReplicaId, shards.Max(shard => shard.Revision), shards);
        foreach (var message in SnapshotStream.Messages([header.Encode(), .. states])) await responses.WriteAsync(message, ct);
    }

    /// <summary>The answering member's <see cref="MemberHash"/>, comparable between members that applied the same logs.</summary>
    public override async Task<HashResponse> Hash(HashRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var (status, replicas) = await _memberReplicas.FindAsync(ct);
        var shardHashes = new List<(ulong ShardId, uint StateHash)>(replicas.Count);
        var revision = 0L;
        foreach (var (shardId, replica) in replicas)
        {
            var hash = await replica.Hash().WaitAsync(ct);
            shardHashes.Add((shardId, hash.Hash));
            revision = Math.Max(revision, hash.Revision);
        }
        return new HashResponse
        {
            Header = new ResponseHeader { ClusterId = _identity.ClusterId, MemberId = status.ReplicaId, Revision = revision, RaftTerm = status.Term },
            Hash = MemberHash.Of(shardHashes),
        };
    }

    /// <summary>etcdctl defrag: the answering member's log store gives back the space it can (no header, as etcd 3.4).</summary>
    public override async Task<DefragmentResponse> Defragment(DefragmentRequest request, ServerCallContext context)
    {
        var (_, replicas) = await _memberReplicas.FindAsync(context.CancellationToken);
        // All of a member's replicas persist through its silo's one log store.
        await replicas[0].Replica.Defragment().WaitAsync(context.CancellationToken);
        return new DefragmentResponse();
    }

    /// <summary>
    /// etcdctl move-leader: the request must reach the leader (the member <see cref="Status"/> reports), which
    /// hands leadership to the target and answers once the target leads, as etcd does.
    /// </summary>
    public override async Task<MoveLeaderResponse> MoveLeader(MoveLeaderRequest request, ServerCallContext context)
    {
        var shard = _shards.Map.ClusterStateShard;
        var status = await _shards.StatusAsync(shard, context.CancellationToken);
        if (status.LeaderId != status.ReplicaId) EtcdErrors.Throw(ShardError.NotLeader);
        var memberId = status.ReplicaId;
        if (await _shards.TransferLeadershipAsync(shard, request.TargetID, context.CancellationToken) is { } led)
        {
            return new MoveLeaderResponse { Header = new ResponseHeader { ClusterId = _identity.ClusterId, MemberId = memberId, Revision = led.Revision, RaftTerm = led.Term } };
        }
        throw new RpcException(new Status(StatusCode.Unknown, "etcdserver: request timed out, leader transfer took too long"));
    }
}
