namespace GrainKv.Raft;

/// <summary>How the leader is currently replicating to one follower.</summary>
public enum ProgressState
{
    /// <summary>Where the follower's log matches is unknown: one append at a time until it says.</summary>
    Probe,

    /// <summary>The logs match up to Match: appends are pipelined within the in-flight window.</summary>
    Replicate,

    /// <summary>The follower needs a snapshot; appends wait until it reports having it.</summary>
    Snapshot,
}
