using GrainKv.Raft;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// One-way sends of Raft messages to other silos. Raft tolerates loss, so a send never blocks and never
/// fails: a message that cannot be queued (the peer's queue is full, the peer is unreachable, the silo
/// is not a member) is dropped and counted in grainkv_silo_raft_messages_dropped_total.
/// </summary>
public interface IRaftTransport
{
    /// <summary>Queues <paramref name="message"/> for the Raft group <paramref name="groupId"/> on silo <paramref name="to"/>.</summary>
    void Send(PeerAddress to, ulong groupId, Message message);
}
