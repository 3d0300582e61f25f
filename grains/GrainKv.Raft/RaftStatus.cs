namespace GrainKv.Raft;

/// <summary>A point-in-time view of a node, for callers and tests; never fed back into the node.</summary>
public sealed record RaftStatus(
    ulong Id,
    ulong Term,
    RaftRole Role,
    ulong LeaderId,
    ulong CommitIndex,
    ulong AppliedIndex,
    ulong LastIndex,
    ConfState ConfState);
