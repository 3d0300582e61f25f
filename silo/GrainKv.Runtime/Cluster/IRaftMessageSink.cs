using GrainKv.Raft;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// Takes the Raft messages other silos sent to this one. Called on the thread reading a peer's stream,
/// concurrently for different peers and in send order for one peer: it must not block.
/// </summary>
public interface IRaftMessageSink
{
    void Deliver(ulong groupId, Message message);
}
