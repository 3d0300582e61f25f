using System.Collections.Concurrent;
using Etcdserverpb;
using GrainKv.Gateway.Routing;
using GrainKv.Grains;
using GrainKv.Grains.Cluster;
using GrainKv.Runtime;
using Grpc.Core;

namespace GrainKv.Gateway.Services;

/// <summary>etcdserverpb.Cluster: the member list `etcdctl member list` prints.</summary>
public sealed class ClusterService : Cluster.ClusterBase
{
    /// <summary>How long to wait for another member to tell its client URLs before listing it without them.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMilliseconds(500);

    private readonly ClusterIdentity _identity;
    private readonly IGrainFactory _grains;
    private readonly ShardClient _shards;
    private readonly ConcurrentDictionary<string, string[]> _clientUrls = new(StringComparer.Ordinal);

    public ClusterService(ClusterIdentity identity, IGrainFactory grains, ShardClient shards)
    {
        _identity = identity;
        _grains = grains;
        _shards = shards;
        _clientUrls[identity.MemberName] = [.. identity.ClientUrls];
    }

    /// <summary>
    /// Every member, sorted by id as etcd sorts them, with header revision 0 as etcd sends. The header names the
    /// member that answers Status, with its term: this silo, or for a stand-alone gateway the silo it asked, as etcd's
    /// gRPC proxy passes on its endpoint's header. Another member's client URLs are asked of it once and remembered;
    /// a member that has never answered is listed without them, as etcd lists a member that has not published its
    /// attributes.
    /// </summary>
    public override async Task<MemberListResponse> MemberList(MemberListRequest request, ServerCallContext context)
    {
        var answering = await _shards.StatusAsync(_shards.Map.ClusterStateShard, context.CancellationToken);
        var response = new MemberListResponse
        {
            Header = new ResponseHeader { ClusterId = _identity.ClusterId, MemberId = answering.ReplicaId, RaftTerm = answering.Term },
        };
        foreach (var known in _identity.Members.OrderBy(m => m.Id))
        {
            var member = new Member { ID = known.Id, Name = known.Name };
            member.PeerURLs.AddRange(known.PeerUrls);
            member.ClientURLs.AddRange(await ClientUrlsOf(known.Name));
            response.Members.Add(member);
        }
        return response;
    }

    private async Task<string[]> ClientUrlsOf(string memberName)
    {
        if (_clientUrls.TryGetValue(memberName, out var known)) return known;
        try
        {
            var urls = await _grains.GetGrain<IMemberGrain>(memberName).GetClientUrls().WaitAsync(AskTimeout);
            return _clientUrls[memberName] = urls.Split(',', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is TimeoutException or Runtime.Cluster.SiloUnreachableException or Runtime.Cluster.RemoteGrainException)
        {
            return [];
        }
    }
}
