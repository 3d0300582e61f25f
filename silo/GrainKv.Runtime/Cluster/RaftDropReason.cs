namespace GrainKv.Runtime.Cluster;

/// <summary>Why a Raft message was dropped before sending: the "reason" tag of grainkv_silo_raft_messages_dropped_total.</summary>
internal static class RaftDropReason
{
    public const string QueueFull = "queue_full";
    public const string PeerUnreachable = "peer_unreachable";
    public const string NotAPeer = "not_a_peer";
}
