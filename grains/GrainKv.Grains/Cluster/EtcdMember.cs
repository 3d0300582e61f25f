namespace GrainKv.Grains.Cluster;

/// <summary>One etcd member of the cluster as bootstrap names it: its name, Raft id and peer URLs.</summary>
public sealed record EtcdMember(string Name, ulong Id, IReadOnlyList<string> PeerUrls)
{
    /// <summary>A member's id follows from its name and peer URLs, so every silo computes the same ids.</summary>
    public static EtcdMember Create(string name, IReadOnlyList<string> peerUrls) =>
        new(name, ClusterIdentity.StableId(name, string.Join(',', peerUrls)), peerUrls);

    public bool Equals(EtcdMember? other) =>
        other is not null && Name == other.Name && Id == other.Id && PeerUrls.SequenceEqual(other.PeerUrls);

    public override int GetHashCode() => HashCode.Combine(Name, Id);
}
