using GrainKv.Grains.Placement;

namespace GrainKv.Orleans.Tests.Placement;

/// <summary>Test grains are keyed "&lt;anything&gt;/&lt;silo name&gt;", like a replica's "&lt;group&gt;/&lt;member&gt;".</summary>
internal sealed class KeySuffixSiloNames : IMemberSiloNames
{
    public string SiloNameOf(GrainId grainId)
    {
        var key = grainId.Key.ToString()!;
        return key[(key.LastIndexOf('/') + 1)..];
    }
}
