using Orleans.GrainDirectory;
using Orleans.Runtime.Placement;

namespace GrainKv.Grains.Placement;

/// <summary>
/// The grain directory of GrainKv's silo grains, which stores nothing: where such a grain lives follows from
/// membership, so every silo works it out alone. A pinned grain lives on its member's active silo; any other grain
/// (a stateless worker) has no entry, so placement puts it on the calling silo. Orleans' distributed directory would
/// ask the silo owning the grain's hash range, and while that silo is dead but not yet declared so, every call needing
/// the lookup waits on it: after a leader's silo was killed, a survivor's front door could not reach even its own
/// replica for over 10 s.
/// </summary>
public sealed class ComputedGrainDirectory(IMemberSiloNames siloNames, IClusterMembershipService membership, PlacementStrategyResolver placements)
    : IGrainDirectory
{
    /// <summary>The name grain classes give <c>[GrainDirectory]</c> to use this directory.</summary>
    public const string Name = "grainkv-computed";

    public Task<GrainAddress?> Lookup(GrainId grainId) => Task.FromResult(Home(grainId));

    /// <summary>Accepts an activation on the grain's own silo; elsewhere answers with that silo, where Orleans then forwards the calls.</summary>
    public Task<GrainAddress?> Register(GrainAddress address)
    {
        if (!IsPinned(address.GrainId)) return Task.FromResult<GrainAddress?>(address);
        var home = Home(address.GrainId);
        return Task.FromResult(home is not null && home.SiloAddress!.Equals(address.SiloAddress) ? address : home);
    }

    public Task Unregister(GrainAddress address) => Task.CompletedTask;

    public Task UnregisterSilos(List<SiloAddress> siloAddresses) => Task.CompletedTask;

    private bool IsPinned(GrainId grainId) => placements.GetPlacementStrategy(grainId.Type) is PinnedToMemberPlacement;

    /// <summary>Where a pinned grain lives: its member's active silo (none while that silo is not active); null for any other grain.</summary>
    private GrainAddress? Home(GrainId grainId)
    {
        if (!IsPinned(grainId)) return null;
        var snapshot = membership.CurrentSnapshot;
        return PinnedSilo.Choose(snapshot.Members.Values, siloNames.SiloNameOf(grainId)) is { } silo
            ? new GrainAddress { GrainId = grainId, SiloAddress = silo, MembershipVersion = snapshot.Version }
            : null;
    }
}
