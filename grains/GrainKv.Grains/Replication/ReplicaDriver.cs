using System.Threading.Channels;
using GrainKv.Grains.Cluster;
using GrainKv.Raft;
using GrainKv.Shard;
using GrainKv.Runtime.Cluster;
using GrainKv.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Replication;

/// <summary>
/// The one loop per silo that drives every replica hosted here through its <see cref="ReadyProcessor"/>,
/// woken whenever a replica has something to do. Ticks and watch progress notifications run on timers
/// of their own: a storage transaction that takes long, or a write load that keeps the loop busy,
/// never holds back Raft time, so elections, CheckQuorum and lease expiry keep their pace, as etcd's
/// raft node ticks while its WAL write is in flight.
/// </summary>
public sealed partial class ReplicaDriver : BackgroundService, IRaftMessageSink
{
    private readonly Channel<bool> _wakeUp = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ReadyProcessor _processor;
    private readonly TimeProvider _time;
    private readonly TimeSpan _tickInterval;
    private readonly TimeSpan _progressNotifyInterval;
    private readonly ILogger<ReplicaDriver> _log;
    private ITimer? _tickTimer;
    private ITimer? _progressNotifyTimer;
    private int _ticking;

    public ReplicaDriver(IRaftLogStore store, IRaftTransport transport, ReplicaPlacement placement,
        ReplicationOptions options, TimeProvider time, ILogger<ReplicaDriver> log)
    {
        _time = time;
        _tickInterval = TimeSpan.FromMilliseconds(options.TickIntervalMs);
        _progressNotifyInterval = options.WatchProgressNotifyInterval;
        _log = log;
        _processor = new ReadyProcessor(store, (shardId, message) =>
        {
            if (placement.SiloOf(message.To) is { } silo) transport.Send(silo, shardId, message);
        }, time, _tickInterval, write => Task.Run(write), WakeUp, log);
    }

    /// <summary>This silo's replica of <paramref name="shardId"/>, if it holds one: watches are served from its applied state.</summary>
    public ReplicaCore? LocalReplica(ulong shardId) => _processor.LocalReplica(shardId);

    public void Register(ReplicaCore replica)
    {
        _processor.Register(replica);
        WakeUp();
    }

    public void Unregister(ReplicaCore replica) => _processor.Unregister(replica);

    /// <summary>A proposal to <paramref name="replica"/>, which the loop then takes up.</summary>
    public Task<ShardReply> Propose(ReplicaCore replica, ShardCommand command)
    {
        var reply = replica.Propose(command);
        WakeUp();
        return reply;
    }

    /// <summary>A read of <paramref name="replica"/>; one that needs a ReadIndex round is taken up by the loop.</summary>
    public Task<ShardReply> Read(ReplicaCore replica, ShardRead read)
    {
        var reply = replica.Read(read);
        if (!read.Serializable) WakeUp();
        return reply;
    }

    /// <summary>Group 0's leader hands out revisions; the ReadIndex round that confirms them is taken up by the loop.</summary>
    public Task<ShardReply> AllocateRevisions(ReplicaCore replica, uint count)
    {
        var reply = replica.AllocateRevisions(count);
        WakeUp();
        return reply;
    }

    /// <summary>Something changed in a replica (a proposal, a read, a message): run the loop soon.</summary>
    public void WakeUp() => _wakeUp.Writer.TryWrite(true);

    /// <summary>A Raft message from a peer silo: step the addressed replica if it lives here.</summary>
    public void Deliver(ulong groupId, Message message)
    {
        if (_processor.Step(groupId, message)) WakeUp();
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _tickTimer = _time.CreateTimer(_ => Tick(), null, _tickInterval, _tickInterval);
        _progressNotifyTimer = _time.CreateTimer(_ => NotifyWatchProgress(), null, _progressNotifyInterval, _progressNotifyInterval);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_tickTimer is not null) await _tickTimer.DisposeAsync();
        if (_progressNotifyTimer is not null) await _progressNotifyTimer.DisposeAsync();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wakeUp.Reader.ReadAsync(stoppingToken);
                await _processor.ProcessAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Not storage (PersistAsync outlasts its failures): a bug. Keep the other replicas going.
                LogLoopFailed(ex);
                await Task.Delay(_tickInterval, _time, stoppingToken);
            }
        }
    }

    /// <summary>
    /// One Raft tick for every replica. A tick still running (a replica's gate held by a long apply) is
    /// not queued behind: Raft time waits, as etcd's node drops the ticks it is too busy to take.
    /// </summary>
    private void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) == 1) return;
        try
        {
            foreach (var replica in _processor.Replicas) replica.Tick();
            WakeUp();
        }
        catch (Exception ex)
        {
            LogTickFailed(ex);
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    /// <summary>A progress-notify interval passed: idle watchers that asked for it hear the current revision.</summary>
    private void NotifyWatchProgress()
    {
        try
        {
            foreach (var replica in _processor.Replicas) replica.NotifyWatchProgress();
        }
        catch (Exception ex)
        {
            LogLoopFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Driving the replicas failed")]
    private partial void LogLoopFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Ticking the replicas failed")]
    private partial void LogTickFailed(Exception exception);
}
