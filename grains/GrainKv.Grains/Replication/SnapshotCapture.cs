using GrainKv.Grains.Shard;
using GrainKv.Raft;

namespace GrainKv.Grains.Replication;

/// <summary>A replica's applied state captured for a Raft snapshot at <paramref name="Metadata"/>'s index, not written yet.</summary>
public sealed record SnapshotCapture(SnapshotMetadata Metadata, ShardStateSnapshot State)
{
    /// <summary>Writes the state out: as long as the state is large, so never on the Raft loop.</summary>
    public Snapshot Write() => new() { Metadata = Metadata, Data = State.ToByteString() };
}
