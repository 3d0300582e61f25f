namespace GrainKv.Grains.Cluster;

/// <summary>
/// Who this silo is in the etcd sense (the ids every response header carries) and which members
/// the cluster was bootstrapped with.
/// </summary>
public sealed record ClusterIdentity(ulong ClusterId, ulong MemberId, string MemberName,
    IReadOnlyList<string> PeerUrls, IReadOnlyList<string> ClientUrls, IReadOnlyList<EtcdMember> Members)
{
    /// <summary>
    /// etcd derives ids by hashing names and URLs, so a member keeps its id across restarts;
    /// we do the same with a stable 64-bit FNV-1a hash (never 0, which means "none" in Raft).
    /// </summary>
    public static ulong StableId(params string[] parts)
    {
        var hash = 14695981039346656037UL;
        foreach (var part in parts)
        {
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(part))
            {
                hash = (hash ^ b) * 1099511628211UL;
            }
            hash = (hash ^ 0xff) * 1099511628211UL;
        }
        return hash == 0 ? 1 : hash;
    }

    /// <summary>
    /// The id of a cluster bootstrapped with <paramref name="members"/> (etcd's --initial-cluster) and
    /// <paramref name="token"/> (--initial-cluster-token): what each member's data dir records at its first start.
    /// </summary>
    public static ulong ClusterIdOf(string token, IReadOnlyList<EtcdMember> members) =>
        StableId(token, string.Join(',', members.Select(m => $"{m.Name}={string.Join(',', m.PeerUrls)}")));

    /// <summary>A process of <paramref name="cluster"/> that is no member of it (a stand-alone gateway): member id 0, no URLs of its own.</summary>
    public static ClusterIdentity NonMember(ClusterBootstrap cluster) =>
        new(cluster.ClusterId, MemberId: 0, MemberName: "", PeerUrls: [], ClientUrls: [], cluster.Members);

    public EtcdMember Self => Members.Single(m => m.Id == MemberId);

    public EtcdMember? MemberById(ulong id) => Members.FirstOrDefault(m => m.Id == id);
}
