namespace GrainKv.Runtime.Cluster;

/// <summary>Settings of silo-to-silo messaging.</summary>
public sealed class SiloClusterOptions
{
    /// <summary>Raft messages queued per peer silo; beyond it sends are dropped (Raft retransmits).</summary>
    public int PeerQueueCapacity { get; set; } = 4096;

    /// <summary>A Raft batch stops taking queued messages once it is this large; one message always fits.</summary>
    public int RaftBatchBytesMax { get; set; } = 1024 * 1024;

    /// <summary>
    /// An InstallSnapshot message whose snapshot data is larger goes in chunks of this size, one after another on
    /// the peer's stream with other groups' messages between them, so that no gRPC message is much larger than a
    /// chunk plus a batch and other groups wait for the chunks already written, not the whole snapshot. Measured
    /// with a 64 MiB snapshot between two silos on one loaded 2-core machine: 64 KiB to 1 MiB chunks transfer in
    /// 0.5–0.8 s, allocate ~140 MiB and delay other groups' heartbeats p50 15–35 ms (what the HTTP/2 buffers hold);
    /// 4 MiB chunks, p50 65–117 ms; one whole message takes 0.8–2 s, allocates 268 MiB and holds them all until it ends.
    /// </summary>
    public int SnapshotChunkBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Bytes a silo holds per peer stream for snapshots still arriving in chunks; a new snapshot that would pass it
    /// discards the partial snapshots that least recently received a chunk, and one larger than it is refused.
    /// </summary>
    public long SnapshotReassemblyBytesMax { get; set; } = 1024L * 1024 * 1024;

    /// <summary>The wait before reconnecting to a peer whose stream broke, doubling up to <see cref="ReconnectDelayMax"/>.</summary>
    public TimeSpan ReconnectDelayMin { get; set; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(2);

}
