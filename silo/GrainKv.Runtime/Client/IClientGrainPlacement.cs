namespace GrainKv.Runtime.Client;

/// <summary>
/// Where a cluster client sends a grain's calls, by silo name: to the one silo a pinned grain lives on, or
/// for a grain any silo may host, to a preferred silo while it is reachable. Without either, calls go to a
/// live silo of the client's choosing.
/// </summary>
public interface IClientGrainPlacement
{
    /// <summary>The silo <paramref name="grain"/> lives on, or null when any silo may host it.</summary>
    string? PinnedSilo(GrainId grain);

    /// <summary>The silo to send <paramref name="grain"/>'s calls to while it is reachable, or null for no preference.</summary>
    string? PreferredSilo(GrainId grain);
}
