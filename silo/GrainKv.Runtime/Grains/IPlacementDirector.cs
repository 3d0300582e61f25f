namespace GrainKv.Runtime;

/// <summary>Chooses the silo that hosts a grain's activation.</summary>
public interface IPlacementDirector
{
    SiloAddress PlaceGrain(GrainId grainId);
}
