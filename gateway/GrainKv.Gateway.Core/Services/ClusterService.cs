using System.Collections.Concurrent;
using Etcdserverpb;
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
    private readonly ConcurrentDictionary<string, string[]> _clientUrls = new(StringComparer.Ordinal);

    public ClusterService(ClusterIdentity identity, IGrainFactory grains)
    {
        _identity = identity;
        _grains = grains;
        _clientUrls[identity.MemberName] = [.. identity.ClientUrls];
    }

    /// <summary>
    /// Every member, sorted by id as etcd sorts them, with header revision 0 as etcd sends. Another
    /// member's client URLs are asked of it once and remembered; a member that has never answered
    /// is listed without them, as etcd lists a member that has not published its attributes.
    /// </summary>
    public override async Task<MemberListResponse> MemberList(MemberListRequest request, ServerCallContext context)
    {
        var response = new MemberListResponse
        {
            Header = new ResponseHeader { ClusterId = _identity.ClusterId, MemberId = _identity.MemberId },
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
