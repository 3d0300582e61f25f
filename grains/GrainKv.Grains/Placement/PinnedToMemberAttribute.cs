using Orleans.Metadata;
using Orleans.Placement;

namespace GrainKv.Grains.Placement;

/// <summary>
/// Pins a grain class to its member's silo (see <see cref="PinnedToMemberPlacement"/>), found through
/// <see cref="ComputedGrainDirectory"/>. Pair it with <c>[Immovable]</c> and a call to
/// <see cref="PinnedActivationCheck.ThrowUnlessLocal"/> in <c>OnActivateAsync</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PinnedToMemberAttribute() : PlacementAttribute(PinnedToMemberPlacement.Instance)
{
    public override void Populate(IServiceProvider services, Type grainClass, GrainType grainType, Dictionary<string, string> properties)
    {
        base.Populate(services, grainClass, grainType, properties);
        properties[WellKnownGrainTypeProperties.GrainDirectory] = ComputedGrainDirectory.Name;
    }
}
