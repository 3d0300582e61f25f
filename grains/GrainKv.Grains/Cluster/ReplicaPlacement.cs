using GrainKv.Grains.Replication;
using GrainKv.Runtime;
using GrainKv.Runtime.Cluster;

namespace GrainKv.Grains.Cluster;

/// <summary>
/// Where grains live: a replica grain is pinned to the silo of the member it belongs to (its
/// replica id is that member's id); every other grain lives on the silo that calls it.
/// </summary>
public sealed class ReplicaPlacement(ClusterIdentity identity, StaticMembership silos)
{
    /// <summary>The grain type the runtime gives <see cref="ReplicaGrain"/> (its class name without "Grain").</summary>
    public const string ReplicaGrainType = "replica";

    public SiloAddress? SiloOf(ulong memberId) =>
        identity.MemberById(memberId) is { } member ? silos.FindByName(member.Name)?.Address : null;

    public SiloAddress? Place(GrainId grain) => grain.Type == ReplicaGrainType ? SiloOf(ReplicaKey.Parse(grain.Key).ReplicaId) : null;

    /// <summary>The silos of the members --initial-cluster names, at their first peer URL.</summary>
    public static StaticMembership SilosOf(ClusterIdentity identity) =>
        new(identity.Members.Select(m =>
        {
            var url = new Uri(m.PeerUrls[0]);
            return new SiloMember(m.Name, new SiloAddress(url.Host, url.Port, generation: 0));
        }), identity.MemberName);
}
