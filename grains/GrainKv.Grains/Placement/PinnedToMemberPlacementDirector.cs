using Orleans.Runtime.Placement;

namespace GrainKv.Grains.Placement;

/// <summary>
/// Places a pinned grain on its member's active silo. Never falls back to another silo: a second
/// replica activation elsewhere would be a second Raft peer with the same identity.
/// </summary>
internal sealed class PinnedToMemberPlacementDirector(IMemberSiloNames siloNames, IClusterMembershipService membership)
    : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var grainId = target.GrainIdentity;
        var siloName = siloNames.SiloNameOf(grainId);
        var silo = PinnedSilo.Choose(membership.CurrentSnapshot.Members.Values, siloName)
            ?? throw new SiloUnavailableException($"Grain {grainId} is pinned to silo '{siloName}', which is not active.");
        return Task.FromResult(silo);
    }
}
