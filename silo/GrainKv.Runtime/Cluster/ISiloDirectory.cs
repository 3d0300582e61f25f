namespace GrainKv.Runtime.Cluster;

/// <summary>
/// Which silos exist and which of them are alive, as the membership source reports it: the static
/// --initial-cluster list (everyone counts as alive) or the PostgreSQL membership table (heartbeats
/// decide). Gateways and .NET clients find the cluster through it; silos find their peers' current
/// addresses. Which replicas form a shard's group is not its business: that stays in the group's Raft log.
/// </summary>
public interface ISiloDirectory
{
    /// <summary>The silos believed alive now, in a stable order (by name).</summary>
    IReadOnlyList<SiloEntry> LiveSilos { get; }

    /// <summary>The live silo with this name, if there is one.</summary>
    SiloEntry? Find(string name);
}

/// <summary>
/// One live silo: its name (as in --initial-cluster and the shard map), where it serves silo-to-silo
/// gRPC (with the generation of its current start), and its etcd client URL when it is known.
/// </summary>
public sealed record SiloEntry(string Name, SiloAddress PeerAddress, Uri? ClientUrl);
