using Etcdserverpb;
using GrainKv.Grains.Cluster;
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

    /// <summary>
    /// Every member, sorted by id as etcd sorts them, with header revision 0 as etcd sends. Client
    /// URLs are known for this member; the others' come once members publish them to each other.
    /// </summary>
    public Task<MemberListResponse> MemberList(MemberListRequest request, ServerCallContext context)
    {
        var response = new MemberListResponse
        {
            Header = new ResponseHeader { ClusterId = _identity.ClusterId, MemberId = _identity.MemberId },
        };
        foreach (var known in _identity.Members.OrderBy(m => m.Id))
        {
            var member = new Member { ID = known.Id, Name = known.Name };
            member.PeerURLs.AddRange(known.PeerUrls);
            if (known.Id == _identity.MemberId) member.ClientURLs.AddRange(_identity.ClientUrls);
            response.Members.Add(member);
        }
        return Task.FromResult(response);
    }
}
