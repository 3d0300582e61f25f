using GrainKv.Grains.Replication;
using GrainKv.Shard;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// Calls from clients to replicas over the simulated network. Clients sit outside the partitions,
/// but the request and the reply each take a hop's delay and may be lost. A reply is picked up
/// at the event that produced it, so <see cref="Answered"/> sees the replica's own instant.
/// </summary>
public sealed class ClientCalls(VirtualClock clock, SimulatedNetwork network, Func<ulong, SimulatedReplica?> liveReplica)
{
    private readonly List<(SimulatedReplica Replica, Task<ShardReply> Reply, Action<ShardReply> OnReply)> _pending = [];

    /// <summary>Hears every reply when the replica gives it, before the network may lose it.</summary>
    public event Action<ShardReply>? Answered;

    /// <summary>
    /// Sends a request that <paramref name="submit"/> hands to the replica <paramref name="target"/>
    /// when it arrives; <paramref name="onReply"/> runs when the answer is back, if neither is lost
    /// and the replica lives until it answers. A caller that gives up must ignore a late reply.
    /// </summary>
    public void Call(ulong target, Func<ReplicaCore, Task<ShardReply>> submit, Action<ShardReply> onReply)
    {
        if (network.LosesClientMessage()) return;
        clock.Schedule(network.DelayMs(), () =>
        {
            if (liveReplica(target) is not { } replica) return;
            var reply = submit(replica.Core);
            replica.Pump();
            _pending.Add((replica, reply, onReply));
        });
    }

    /// <summary>Sends back the replies given since the last event; called after every event.</summary>
    public void Poll()
    {
        for (var i = 0; i < _pending.Count; i++)
        {
            var (replica, reply, onReply) = _pending[i];
            if (!reply.IsCompleted)
            {
                // A crashed replica never answers: its callers time out.
                if (!replica.Alive) _pending.RemoveAt(i--);
                continue;
            }
            _pending.RemoveAt(i--);
            var answer = reply.Result;
            Answered?.Invoke(answer);
            if (network.LosesClientMessage()) continue;
            clock.Schedule(network.DelayMs(), () => onReply(answer));
        }
    }
}
