using System.Diagnostics.Metrics;

namespace GrainKv.Runtime.Cluster;

/// <summary>The instruments of silo-to-silo messaging, on this silo's own meter so that silos sharing a process count apart.</summary>
internal sealed class SiloMessagingMetrics
{
    public const string MeterName = "GrainKv.Cluster";

    public SiloMessagingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        MessagesSent = meter.CreateCounter<long>("grainkv_silo_raft_messages_sent_total",
            description: "Raft messages written to a peer silo's stream; one sent in chunks counts when its last chunk is written.");
        MessagesDropped = meter.CreateCounter<long>("grainkv_silo_raft_messages_dropped_total",
            description: "Raft messages dropped before sending: the peer's queue was full, the peer unreachable, or the silo no peer.");
        BatchMessages = meter.CreateHistogram<long>("grainkv_silo_raft_batch_messages",
            description: "Envelopes (Raft messages or snapshot chunks) per batch written to a peer silo.");
        SnapshotChunksSent = meter.CreateCounter<long>("grainkv_silo_raft_snapshot_chunks_sent_total",
            description: "Chunks of InstallSnapshot messages written to a peer silo's stream.");
        StreamBreaks = meter.CreateCounter<long>("grainkv_silo_raft_stream_breaks_total",
            description: "Raft streams to a peer silo that failed to open or broke.");
    }

    public Counter<long> MessagesSent { get; }

    public Counter<long> MessagesDropped { get; }

    public Histogram<long> BatchMessages { get; }

    public Counter<long> SnapshotChunksSent { get; }

    public Counter<long> StreamBreaks { get; }
}
