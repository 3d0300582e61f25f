using Etcdserverpb;
using GrainKv.Grains.Replication;
using GrainKv.Runtime.Grpc;

namespace GrainKv.Gateway.Services;

/// <summary>etcdserverpb.Cluster: the member list `etcdctl member list` prints.</summary>
public sealed class ClusterService
{
    private readonly ClusterIdentity _identity;

    public ClusterService(ClusterIdentity identity)
    {
        _identity = identity;
    }

    /// <summary>etcd answers cluster calls with revision 0 in the header.</summary>
    public Task<MemberListResponse> MemberList(MemberListRequest request, ServerCallContext context)
    {
        var response = new MemberListResponse
        {
            Header = new ResponseHeader { ClusterId = _identity.ClusterId, MemberId = _identity.MemberId },
        };
        var member = new Member { ID = _identity.MemberId, Name = _identity.MemberName };
        member.PeerURLs.AddRange(_identity.PeerUrls);
        member.ClientURLs.AddRange(_identity.ClientUrls);
        response.Members.Add(member);
        return Task.FromResult(response);
    }
}
