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
    private readonly List<(SimulatedReplica Replica, Task<ShardReply> Reply, Action<ShardReply> Then)> _pending = [];

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
            if (liveReplica(target) is { } replica) Submit(replica, submit, onReply);
        });
    }

    /// <summary>
    /// Sends a request to any member, <paramref name="member"/>, as a client of a silo's front door (RaftGroupGrain)
    /// does: a member that leads, or knows no leader, takes it itself; any other passes it to the leader it knows and
    /// answers with the leader's reply once its own replica has applied as far (<see cref="ReplicaCore.AnswerWhenApplied"/>).
    /// </summary>
    public void CallThroughFrontDoor(ulong member, Func<ReplicaCore, Task<ShardReply>> submit, Action<ShardReply> onReply)
    {
        if (network.LosesClientMessage()) return;
        clock.Schedule(network.DelayMs(), () =>
        {
            if (liveReplica(member) is not { } door) return;
            var leader = door.Node.LeaderId;
            if (leader == 0 || leader == member)
            {
                Submit(door, submit, onReply);
                return;
            }
            network.Forward(member, leader, () =>
            {
                if (liveReplica(leader) is not { } served) return;
                Await(served, submit(served.Core), reply =>
                {
                    Answered?.Invoke(reply);
                    if (reply.Error != ShardError.None)
                    {
                        network.Forward(leader, member, () => Reply(reply, onReply));
                        return;
                    }
                    reply.LeaderId = leader;
                    network.Forward(leader, member, () =>
                    {
                        if (liveReplica(member) is { } answering) Await(answering, answering.Core.AnswerWhenApplied(reply), answer => Reply(answer, onReply));
                    });
                });
                served.Pump();
            });
        });
    }

    /// <summary>Sends back the replies given since the last event; called after every event.</summary>
    public void Poll()
    {
        for (var i = 0; i < _pending.Count; i++)
        {
            var (replica, reply, then) = _pending[i];
            if (!reply.IsCompleted)
            {
                // A crashed replica never answers: its callers time out.
                if (!replica.Alive) _pending.RemoveAt(i--);
                continue;
            }
            _pending.RemoveAt(i--);
            then(reply.Result);
        }
    }

    private void Submit(SimulatedReplica replica, Func<ReplicaCore, Task<ShardReply>> submit, Action<ShardReply> onReply)
    {
        Await(replica, submit(replica.Core), answer =>
        {
            Answered?.Invoke(answer);
            Reply(answer, onReply);
        });
        replica.Pump();
    }

    /// <summary>Runs <paramref name="then"/> at the event that completes <paramref name="reply"/>, if <paramref name="replica"/> lives that long.</summary>
    private void Await(SimulatedReplica replica, Task<ShardReply> reply, Action<ShardReply> then) => _pending.Add((replica, reply, then));

    /// <summary>The answer's way back to the client, which may lose it.</summary>
    private void Reply(ShardReply answer, Action<ShardReply> onReply)
    {
        if (network.LosesClientMessage()) return;
        clock.Schedule(network.DelayMs(), () => onReply(answer));
    }
}
