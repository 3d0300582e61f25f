using System.Diagnostics.Metrics;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;

namespace GrainKv.Grains.Replication;

/// <summary>
/// etcd 3.4's server and MVCC metrics, by their names and help texts, where GrainKv has the same meaning, so etcd's
/// dashboards and alerts read a GrainKv member as they read an etcd one. They describe this member's replica of the
/// cluster state shard, the one <c>etcdctl endpoint status</c> reports (its leader, raft index, applied index and
/// dbSize); a member without that replica reports none. Read when scraped, never on the request path.
/// </summary>
public sealed class EtcdServerMetrics
{
    public const string MeterName = "GrainKv.EtcdServer";

    private readonly ReplicaDriver _driver;
    private readonly ulong _shardId;

    public EtcdServerMetrics(IMeterFactory meters, ReplicaDriver driver, ShardMap map, IDatabaseSize databaseSize)
    {
        _driver = driver;
        _shardId = map.ClusterStateShard;
        var meter = meters.Create(MeterName);
        // etcd's committed and applied "totals" are gauges set to the raft indexes; kept so, as dashboards expect.
        meter.CreateObservableGauge("etcd_server_has_leader", () => Observe(r => r.GetStatus().LeaderId != 0 ? 1 : 0),
            description: "Whether or not a leader exists. 1 is existence, 0 is not.");
        meter.CreateObservableGauge("etcd_server_is_leader", () => Observe(r => r.GetStatus() is var s && s.LeaderId == s.ReplicaId ? 1 : 0),
            description: "Whether or not this member is a leader. 1 if is, 0 otherwise.");
        meter.CreateObservableCounter("etcd_server_leader_changes_seen_total", () => Observe(r => r.LeaderChangesSeen),
            description: "The number of leader changes seen.");
        meter.CreateObservableGauge("etcd_server_proposals_committed_total", () => Observe(r => (long)r.GetStatus().CommitIndex),
            description: "The total number of consensus proposals committed.");
        meter.CreateObservableGauge("etcd_server_proposals_applied_total", () => Observe(r => (long)r.GetStatus().AppliedIndex),
            description: "The total number of consensus proposals applied.");
        meter.CreateObservableGauge("etcd_server_proposals_pending", () => Observe(r => r.PendingProposals),
            description: "The current number of pending proposals to commit.");
        meter.CreateObservableCounter("etcd_server_proposals_failed_total", () => Observe(r => r.ProposalsFailed),
            description: "The total number of failed proposals seen.");
        meter.CreateObservableGauge("etcd_debugging_mvcc_keys_total", () => Observe(r => r.IndexedKeys),
            description: "Total number of keys.");
        meter.CreateObservableGauge("etcd_mvcc_db_total_size_in_bytes", () => databaseSize.Bytes,
            description: "Total size of the underlying database physically allocated in bytes.");
    }

    private IEnumerable<Measurement<long>> Observe(Func<ReplicaCore, long> value) =>
        _driver.LocalReplica(_shardId) is { } replica ? [new Measurement<long>(value(replica))] : [];
}
