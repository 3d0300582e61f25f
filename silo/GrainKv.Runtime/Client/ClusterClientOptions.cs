namespace GrainKv.Runtime.Client;

/// <summary>Settings of a cluster client.</summary>
public sealed class ClusterClientOptions
{
    /// <summary>Where grains live; unset, any live silo takes any grain's calls.</summary>
    public IClientGrainPlacement? Placement { get; set; }

    /// <summary>How long connecting to a silo may take before the silo counts as unreachable.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A silo that could not be reached is passed over for this long, doubling with every failure in a row up
    /// to <see cref="UnreachableDelayMax"/>; then it is tried again.
    /// </summary>
    public TimeSpan UnreachableDelayMin { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan UnreachableDelayMax { get; set; } = TimeSpan.FromSeconds(5);
}
