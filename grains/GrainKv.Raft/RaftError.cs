namespace GrainKv.Raft;

/// <summary>Expected refusals of a request to the node; exceptions are kept for bugs.</summary>
public enum RaftError
{
    /// <summary>This node is not the leader; ask <see cref="RaftStatus.LeaderId"/> (0 when unknown).</summary>
    NotLeader,

    /// <summary>The leader cannot take the proposal now (leadership is being transferred); retry.</summary>
    ProposalDropped,

    /// <summary>A configuration change is still uncommitted; only one may be in flight.</summary>
    ConfChangeInProgress,

    /// <summary>The configuration change is not valid for the current membership.</summary>
    InvalidConfChange,

    /// <summary>The transfer target is not a voter of the group (or is this node).</summary>
    InvalidTransferTarget,

    /// <summary>The message is addressed to another node: the shell routed it wrongly.</summary>
    WrongRecipient,
}
