namespace GrainKv.Runtime;

/// <summary>Places every grain on this silo: the single-silo placement.</summary>
public sealed class LocalPlacementDirector(ILocalSiloDetails localSilo) : IPlacementDirector
{
    public SiloAddress PlaceGrain(GrainId grainId) => localSilo.SiloAddress;
}
