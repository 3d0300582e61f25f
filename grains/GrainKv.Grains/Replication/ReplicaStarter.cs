using System.Collections.Concurrent;
using GrainKv.Grains.Cluster;
using GrainKv.Raft;
using GrainKv.Storage;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Replication;

/// <summary>
/// Starts a replica of a Raft group on this silo: claims a storage generation for the group (fencing out any stale
/// replica of it still writing), rebuilds the state machine from the latest snapshot plus the log tail and hands the
/// replica to the silo's <see cref="ReplicaDriver"/>. A group of this member alone elects it at once. With several
/// shards, shard leaders stamp writes with revisions from <paramref name="revisions"/> (group 0 is the oracle itself).
/// </summary>
public sealed class ReplicaStarter(IRaftLogStore store, ReplicaDriver driver, ClusterIdentity identity, ReplicationOptions options,
    TimeProvider time, ILoggerFactory loggers, IRevisionSource? revisions = null)
{
    private readonly ConcurrentDictionary<ulong, Lazy<Task<ReplicaCore>>> _started = new();

    /// <summary>
    /// This silo's replica of the group: the one already started, else a new one. A replica belongs to the silo, not to
    /// a grain activation: Orleans may activate a replica grain a second time here (while its directory recovers from
    /// a silo's death), and that activation must front the running replica, not fence it and leave its watchers behind.
    /// </summary>
    public async Task<ReplicaCore> GetOrStartAsync(ulong groupId, IReadOnlyList<ulong> voters, CancellationToken ct)
    {
        var started = _started.GetOrAdd(groupId, _ => new Lazy<Task<ReplicaCore>>(() => StartAsync(groupId, voters, CancellationToken.None)));
        try
        {
            return await started.Value.WaitAsync(ct);
        }
        catch (Exception) when (started.Value.IsFaulted)
        {
            _started.TryRemove(new KeyValuePair<ulong, Lazy<Task<ReplicaCore>>>(groupId, started));
            throw;
        }
    }

    /// <summary>This silo's replica of the group if it has started (its grain activated), else null.</summary>
    public ReplicaCore? Running(ulong groupId) =>
        _started.TryGetValue(groupId, out var started) && started.IsValueCreated && started.Value.IsCompletedSuccessfully ? started.Value.Result : null;

    /// <param name="voters">The group's members when its log holds no configuration yet (a new group).</param>
    public async Task<ReplicaCore> StartAsync(ulong groupId, IReadOnlyList<ulong> voters, CancellationToken ct)
    {
        var key = new ReplicaKey(groupId, identity.MemberId);
        var generation = await store.ClaimGenerationAsync(groupId, ct);
        var stored = await store.LoadAsync(groupId, ct);
        var config = new RaftConfig
        {
            Id = key.ReplicaId,
            ElectionTimeoutTicks = options.ElectionTicks,
            HeartbeatIntervalTicks = 1,
            PreVote = true,
            CheckQuorum = true,
            InitialVoters = voters,
        };
        var recovered = RecoveredReplica.From(key, generation, stored, config,
            new SeededRandomSource((ulong)Environment.TickCount64 ^ key.ReplicaId ^ groupId), loggers.CreateLogger(RaftLogCategory(groupId)),
            identity, new ReplicaTiming(ReplicaTiming.MonotonicMs(time), (long)options.ElectionTicks * options.TickIntervalMs, options.SnapshotCount),
            groupId == Group0.Group0Replica.GroupId ? null : revisions);
        var core = recovered.Core;
        driver.Register(core);
        var conf = recovered.Node.Status.ConfState;
        if (conf.Voters.Count == 1 && conf.Voters[0] == key.ReplicaId)
        {
            core.Campaign();
            driver.WakeUp();
        }
        return core;
    }

    /// <summary>Every group runs the same Raft code, so each logs under a category of its own: "GrainKv.Raft.Group0", "GrainKv.Raft.Shard1".</summary>
    public static string RaftLogCategory(ulong groupId) =>
        groupId == Group0.Group0Replica.GroupId ? "GrainKv.Raft.Group0" : $"GrainKv.Raft.Shard{groupId}";
}
