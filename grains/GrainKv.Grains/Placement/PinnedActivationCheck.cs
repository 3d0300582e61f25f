namespace GrainKv.Grains.Placement;

/// <summary>
/// Refuses a pinned grain's activation on any silo but its own. Placement alone does not ensure that:
/// a stale directory entry or a message already routed before a membership change can activate a grain
/// where the director would not have put it.
/// </summary>
public sealed class PinnedActivationCheck(IMemberSiloNames siloNames, ILocalSiloDetails localSilo, IClusterMembershipService membership)
{
    /// <summary>Call from <c>OnActivateAsync</c>; throwing there fails the activation.</summary>
    public void ThrowUnlessLocal(GrainId grainId)
    {
        var siloName = siloNames.SiloNameOf(grainId);
        if (!string.Equals(siloName, localSilo.Name, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Grain {grainId} is pinned to silo '{siloName}' and refused activation on silo '{localSilo.Name}'.");
        }

        var chosen = PinnedSilo.Choose(membership.CurrentSnapshot.Members.Values, siloName);
        if (!localSilo.SiloAddress.Equals(chosen))
        {
            throw new InvalidOperationException(
                $"Grain {grainId} refused activation on {localSilo.SiloAddress}: the active silo named '{siloName}' is {chosen?.ToString() ?? "none"}.");
        }
    }
}
