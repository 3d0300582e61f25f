using GrainKv.Grains.Placement;

namespace GrainKv.Grains.Cluster;

/// <summary>A replica grain's silo is its member's: the Orleans silo is named after the etcd member, and the replica id is the member id.</summary>
public sealed class ReplicaSiloNames(ClusterIdentity identity) : IMemberSiloNames
{
    public string SiloNameOf(GrainId grainId)
    {
        var replicaId = ReplicaKey.Parse(grainId.Key.ToString()!).ReplicaId;
        return identity.MemberById(replicaId)?.Name
            ?? throw new InvalidOperationException($"Replica grain {grainId} belongs to member {replicaId:x16}, which is not in the cluster.");
    }
}
