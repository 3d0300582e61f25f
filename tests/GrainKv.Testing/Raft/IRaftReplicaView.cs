using GrainKv.Raft;

namespace GrainKv.Testing.Raft;

/// <summary>What <see cref="ClusterInvariants"/> reads of one live replica in a test cluster.</summary>
public interface IRaftReplicaView
{
    ulong Id { get; }

    RaftNode Node { get; }

    /// <summary>The log entries the replica's durable storage holds, in index order.</summary>
    IReadOnlyList<Entry> StoredEntries { get; }

    /// <summary>Entries this replica's state machine applied, in index order; it may start after a snapshot.</summary>
    IReadOnlyList<Entry> Applied { get; }
}
