using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;
using GrainKv.Raft;
using GrainKv.Runtime;
using GrainKv.Shard;
using GrainKv.Storage;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Replication;

/// <summary>
/// The shell of one Raft peer: on activation it claims a storage generation (fencing out any
/// stale activation), rebuilds the state machine from the latest snapshot plus the log tail and
/// hands the replica to the silo's <see cref="ReplicaDriver"/>. Calls interleave: the core's own
/// gate orders them against the driver.
/// </summary>
[KeepAlive]
[Reentrant]
public sealed class ReplicaGrain : Grain, IReplicaGrain
{
    private readonly IRaftLogStore _store;
    private readonly ReplicaDriver _driver;
    private readonly ClusterIdentity _identity;
    private readonly ReplicationOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly IDatabaseSize _databaseSize;
    private readonly TimeProvider _time;
    private ReplicaCore? _core;

    private readonly ShardMap _map;

    public ReplicaGrain(IRaftLogStore store, ReplicaDriver driver, ClusterIdentity identity, ShardMap map,
        ReplicationOptions options, IDatabaseSize databaseSize, TimeProvider time, ILoggerFactory loggers)
    {
        _time = time;
        _databaseSize = databaseSize;
        _map = map;
        _store = store;
        _driver = driver;
        _identity = identity;
        _options = options;
        _loggers = loggers;
    }

    private ReplicaCore Core => _core ?? throw new InvalidOperationException("The replica is not active.");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = ReplicaKey.Parse(GrainId.Key);
        var generation = await _store.ClaimGenerationAsync(key.ShardId, cancellationToken);
        var stored = await _store.LoadAsync(key.ShardId, cancellationToken);

        var config = new RaftConfig
        {
            Id = key.ReplicaId,
            ElectionTimeoutTicks = _options.ElectionTicks,
            HeartbeatIntervalTicks = 1,
            PreVote = true,
            CheckQuorum = true,
            InitialVoters = _map[key.ShardId].Replicas,
        };
        var recovered = RecoveredReplica.From(key, generation, stored, config,
            new SeededRandomSource((ulong)Environment.TickCount64 ^ key.ReplicaId), _loggers.CreateLogger<RaftNode>(),
            _identity, new ReplicaTiming(ReplicaTiming.MonotonicMs(_time), (long)_options.ElectionTicks * _options.TickIntervalMs, _options.SnapshotCount));
        var conf = recovered.Node.Status.ConfState;
        _core = recovered.Core;
        _driver.Register(_core);
        if (conf.Voters.Count == 1 && conf.Voters[0] == key.ReplicaId)
        {
            _core.Campaign();
            _driver.WakeUp();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_core is not null) _driver.Unregister(_core);
        return Task.CompletedTask;
    }

    public Task<ShardReply> Propose(ShardCommand command)
    {
        var reply = Core.Propose(command);
        _driver.WakeUp();
        return reply;
    }

    public Task<ShardReply> Read(ShardRead read)
    {
        var reply = Core.Read(read);
        if (!read.Serializable) _driver.WakeUp();
        return reply;
    }

    public Task<ShardReply> AnswerWhenApplied(ShardReply served) => Core.AnswerWhenApplied(served);

    public Task<ulong> WaitForLeader(ulong stale) => Core.WaitForLeader(stale);

    public Task<ShardStatus> GetStatus()
    {
        var status = Core.GetStatus();
        status.DbSize = _databaseSize.Bytes;
        return Task.FromResult(status);
    }

    public Task<ShardReply> TransferLeadership(ulong targetId)
    {
        var reply = Core.TransferLeadership(targetId);
        _driver.WakeUp();
        return Task.FromResult(reply);
    }

    public Task<ReplicaImage> TakeImage() => Task.FromResult(Core.TakeImage());

    public Task<ReplicaHash> Hash() => Task.FromResult(Core.Hash());

    public Task Defragment() => _store.DefragmentAsync(CancellationToken.None);
}
