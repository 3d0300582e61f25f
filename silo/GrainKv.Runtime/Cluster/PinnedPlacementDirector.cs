namespace GrainKv.Runtime.Cluster;

/// <summary>Places a grain on the silo <c>pin</c> names (replicas, on the silo the shard map names) and any other grain on this silo.</summary>
public sealed class PinnedPlacementDirector(ILocalSiloDetails localSilo, Func<GrainId, SiloAddress?> pin) : IPlacementDirector
{
    public SiloAddress PlaceGrain(GrainId grainId) => pin(grainId) ?? localSilo.SiloAddress;
}
