using GrainKv.Grains.Cluster;
using GrainKv.Grains.Shard;
using GrainKv.Leases;
using GrainKv.Raft;
using GrainKv.Storage;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Replication;

/// <summary>
/// A replica rebuilt from what its log store holds: the state machine from the latest snapshot,
/// the Raft node from the hard state, configuration and log tail after it. Committed entries past
/// the snapshot are applied again as the node hands them out, so the rebuilt state is exact.
/// </summary>
public sealed record RecoveredReplica(ReplicaCore Core, RaftNode Node, ShardStateMachine StateMachine)
{
    public static RecoveredReplica From(ReplicaKey key, ulong generation, StoredGroupState stored, RaftConfig config,
        IRandomSource random, ILogger log, ClusterIdentity identity, ReplicaTiming timing, IRevisionSource? revisions = null)
    {
        var stateMachine = new ShardStateMachine(Lessor.MinTtlSecondsFor(timing.ElectionTimeoutMs));
        ulong appliedIndex = 0;
        if (stored.Snapshot is { } snapshot)
        {
            using var data = new MemoryStream(snapshot.Data.ToByteArray(), writable: false);
            stateMachine.RestoreSnapshot(data);
            appliedIndex = snapshot.Metadata.Index;
        }
        var durable = new RaftDurableState(stored.HardState, stored.ConfState, stored.Snapshot?.Metadata, stored.Entries)
        {
            SnapshotWithData = stored.Snapshot,
        };
        var node = new RaftNode(config, durable, random, log);
        return new RecoveredReplica(new ReplicaCore(key, generation, node, stateMachine, identity, appliedIndex, stored.Snapshot?.Data.Length ?? 0, timing, revisions), node, stateMachine);
    }
}
