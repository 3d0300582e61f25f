using GrainKv.Runtime.Cluster;

namespace GrainKv.Grains.Cluster;

/// <summary>
/// Where a Raft peer's messages go: to the peer URL of the member it belongs to (its replica id is that member's id).
/// </summary>
public sealed class ReplicaPlacement(ClusterIdentity identity, StaticMembership silos)
{
    public PeerAddress? SiloOf(ulong memberId) =>
        identity.MemberById(memberId) is { } member ? silos.FindByName(member.Name)?.Address : null;

    /// <summary>The silos of the members --initial-cluster names, at their first peer URL.</summary>
    public static StaticMembership SilosOf(ClusterIdentity identity) =>
        new(identity.Members.Select(m =>
        {
            var url = new Uri(m.PeerUrls[0]);
            return new SiloMember(m.Name, new PeerAddress(url.Host, url.Port));
        }), identity.MemberName);
}
