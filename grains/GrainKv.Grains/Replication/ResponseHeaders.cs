using GrainKv.Grains.Cluster;
using Etcdserverpb;
using GrainKv.Shard;

namespace GrainKv.Grains.Replication;

/// <summary>
/// Stamps the member's ids and Raft term on a reply's top-level header; the MVCC core already set
/// the revision. Inner txn responses keep only their revision, as etcd's do.
/// </summary>
public static class ResponseHeaders
{
    public static void Stamp(ShardReply reply, ClusterIdentity identity, ulong raftTerm)
    {
        if (HeaderOf(reply) is { } header) Stamp(header, identity, raftTerm);
    }

    /// <summary>The top-level header of the reply's response, made empty if it has none yet; null for a reply without a response.</summary>
    public static ResponseHeader? HeaderOf(ShardReply reply) =>
        reply.ResponseCase switch
        {
            ShardReply.ResponseOneofCase.Range => reply.Range.Header ??= new ResponseHeader(),
            ShardReply.ResponseOneofCase.Put => reply.Put.Header ??= new ResponseHeader(),
            ShardReply.ResponseOneofCase.DeleteRange => reply.DeleteRange.Header ??= new ResponseHeader(),
            ShardReply.ResponseOneofCase.Txn => reply.Txn.Header ??= new ResponseHeader(),
            ShardReply.ResponseOneofCase.Compaction => reply.Compaction.Header ??= new ResponseHeader(),
            ShardReply.ResponseOneofCase.HashKv => reply.HashKv.Header ??= new ResponseHeader(),
            ShardReply.ResponseOneofCase.LeaseGrant => reply.LeaseGrant.Header ??= new ResponseHeader(),
            ShardReply.ResponseOneofCase.LeaseRevoke => reply.LeaseRevoke.Header ??= new ResponseHeader(),
            ShardReply.ResponseOneofCase.LeaseTimeToLive => reply.LeaseTimeToLive.Header ??= new ResponseHeader(),
            ShardReply.ResponseOneofCase.LeaseLeases => reply.LeaseLeases.Header ??= new ResponseHeader(),
            ShardReply.ResponseOneofCase.LeaseKeepAlive => reply.LeaseKeepAlive.Header ??= new ResponseHeader(),
            _ => null,
        };

    public static void Stamp(ResponseHeader header, ClusterIdentity identity, ulong raftTerm)
    {
        header.ClusterId = identity.ClusterId;
        header.MemberId = identity.MemberId;
        header.RaftTerm = raftTerm;
    }
}
