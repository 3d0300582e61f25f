namespace GrainKv.Runtime.Cluster;

/// <summary>Settings of silo-to-silo messaging and of where grains are placed.</summary>
public sealed class SiloClusterOptions
{
    /// <summary>Raft messages queued per peer silo; beyond it sends are dropped (Raft retransmits).</summary>
    public int PeerQueueCapacity { get; set; } = 4096;

    /// <summary>A Raft batch stops taking queued messages once it is this large; one message always fits.</summary>
    public int RaftBatchBytesMax { get; set; } = 1024 * 1024;

    /// <summary>The wait before reconnecting to a peer whose stream broke, doubling up to <see cref="ReconnectDelayMax"/>.</summary>
    public TimeSpan ReconnectDelayMin { get; set; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Creates, from the silo's services, the function naming the silo a grain is pinned to; it returns null
    /// for a grain that lives on whichever silo calls it. Unset, every grain is local.
    /// </summary>
    public Func<IServiceProvider, Func<GrainId, SiloAddress?>>? GrainPlacement { get; set; }
}
