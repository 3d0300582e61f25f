using Orleans.Placement;

namespace GrainKv.Grains.Placement;

/// <summary>
/// Pins a grain class to its member's silo (see <see cref="PinnedToMemberPlacement"/>). Pair it with
/// <c>[Immovable]</c> and a call to <see cref="PinnedActivationCheck.ThrowUnlessLocal"/> in
/// <c>OnActivateAsync</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PinnedToMemberAttribute() : PlacementAttribute(PinnedToMemberPlacement.Instance);
