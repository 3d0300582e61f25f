using Microsoft.Extensions.Logging;

namespace GrainKv.Raft;

public sealed partial class RaftNode
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Raft {NodeId} became leader at term {Term}")]
    private partial void LogBecameLeader(ulong nodeId, ulong term);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft {NodeId} became candidate at term {Term}")]
    private partial void LogBecameCandidate(ulong nodeId, ulong term);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Raft {NodeId} became pre-candidate at term {Term}")]
    private partial void LogBecamePreCandidate(ulong nodeId, ulong term);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft {NodeId} became follower at term {Term} (leader {LeaderId})")]
    private partial void LogBecameFollower(ulong nodeId, ulong term, ulong leaderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raft {NodeId} stepped down at term {Term}: no quorum heard within an election timeout")]
    private partial void LogQuorumLost(ulong nodeId, ulong term);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft {NodeId} transferring leadership at term {Term} to {TargetId}")]
    private partial void LogTransferStarted(ulong nodeId, ulong term, ulong targetId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raft {NodeId} abandoned leadership transfer at term {Term} to {TargetId}")]
    private partial void LogTransferAbandoned(ulong nodeId, ulong term, ulong targetId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft {NodeId} received leadership transfer at term {Term} from {LeaderId}")]
    private partial void LogTransferReceived(ulong nodeId, ulong term, ulong leaderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft {NodeId} applied configuration change at index {Index}: {ChangeType} {ChangedNodeId}")]
    private partial void LogConfChangeApplied(ulong nodeId, ulong index, ConfChangeType changeType, ulong changedNodeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft {NodeId} at term {Term} restored snapshot at index {Index} term {SnapshotTerm}")]
    private partial void LogSnapshotRestored(ulong nodeId, ulong term, ulong index, ulong snapshotTerm);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raft {NodeId} cannot catch up {PeerId}: log compacted through {Index} and no snapshot data at hand")]
    private partial void LogSnapshotUnavailable(ulong nodeId, ulong peerId, ulong index);
}
