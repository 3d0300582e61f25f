namespace GrainKv.Grains.Placement;

/// <summary>
/// Places a grain only on the active silo named by <see cref="IMemberSiloNames"/>; refuses it when that
/// silo is not active. Orleans resolves the director by this class's name, so renaming it breaks
/// mixed-version clusters.
/// </summary>
[GenerateSerializer, Immutable, Alias("grainkv.PinnedToMemberPlacement")]
public sealed class PinnedToMemberPlacement : PlacementStrategy
{
    internal static PinnedToMemberPlacement Instance { get; } = new();
}
