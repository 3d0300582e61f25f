using Etcdserverpb;
using GrainKv.Gateway.Routing;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Group0;
using Grpc.Core;

namespace GrainKv.Gateway.Services;

/// <summary>etcdserverpb.Cluster: the member list `etcdctl member list` prints.</summary>
public sealed class ClusterService(ClusterIdentity identity, MemberDirectory members, ShardClient shards) : Cluster.ClusterBase
{
    /// <summary>
    /// Every member, sorted by id as etcd sorts them, with header revision 0 as etcd sends. The header names the
    /// member that answers Status, with its term: this silo, or for a stand-alone gateway the silo it asked, as etcd's
    /// gRPC proxy passes on its endpoint's header. Client URLs are what each member published to group 0, there while
    /// the member is down; a member that has not published is listed without them, as etcd lists it.
    /// </summary>
    public override async Task<MemberListResponse> MemberList(MemberListRequest request, ServerCallContext context)
    {
        var answering = await shards.StatusAsync(shards.Map.ClusterStateShard, context.CancellationToken);
        var published = await members.ReadAsync().WaitAsync(context.CancellationToken);
        var response = new MemberListResponse
        {
            Header = new ResponseHeader { ClusterId = identity.ClusterId, MemberId = answering.ReplicaId, RaftTerm = answering.Term },
        };
        foreach (var known in identity.Members.OrderBy(m => m.Id))
        {
            var member = new Member { ID = known.Id, Name = known.Name };
            member.PeerURLs.AddRange(known.PeerUrls);
            if (published.TryGetValue(known.Id, out var attributes)) member.ClientURLs.AddRange(attributes.ClientUrls);
            response.Members.Add(member);
        }
        return response;
    }
}
