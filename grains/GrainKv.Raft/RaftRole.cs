namespace GrainKv.Raft;

public enum RaftRole
{
    Follower,

    /// <summary>Asking for pre-votes (Raft thesis 9.6) without having raised its term yet.</summary>
    PreCandidate,

    Candidate,
    Leader,
}
