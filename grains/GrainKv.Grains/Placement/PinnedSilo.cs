namespace GrainKv.Grains.Placement;

/// <summary>The silo a pinned grain may live on, chosen from a membership view.</summary>
public static class PinnedSilo
{
    /// <summary>
    /// The active silo named <paramref name="siloName"/>, or null if there is none. When a silo restarts
    /// before its old incarnation is declared dead, both are active under one name; the newest
    /// generation is the live one, the other a zombie.
    /// </summary>
    public static SiloAddress? Choose(IEnumerable<ClusterMember> members, string siloName)
    {
        SiloAddress? chosen = null;
        foreach (var member in members)
        {
            if (member.Status == SiloStatus.Active
                && string.Equals(member.Name, siloName, StringComparison.Ordinal)
                && (chosen is null || member.SiloAddress.Generation > chosen.Generation))
            {
                chosen = member.SiloAddress;
            }
        }

        return chosen;
    }
}
