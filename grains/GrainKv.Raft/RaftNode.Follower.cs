namespace GrainKv.Raft;

// A follower: takes appends, heartbeats and snapshots from the leader of its term.
public sealed partial class RaftNode
{
    private void StepFollower(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Append:
                FollowLeader(message.From);
                HandleAppend(message);
                break;
            case MessageType.Heartbeat:
                FollowLeader(message.From);
                HandleHeartbeat(message);
                break;
            case MessageType.InstallSnapshot:
                FollowLeader(message.From);
                HandleSnapshot(message);
                break;
            case MessageType.TimeoutNow:
                // The leader hands over (thesis 3.10): campaign at once, past any pre-vote and lease.
                LogTransferReceived(Id, Term, message.From);
                StartCampaign(transfer: true);
                break;
        }
    }

    private void FollowLeader(ulong leaderId)
    {
        _electionElapsedTicks = 0;
        LeaderId = leaderId;
    }

    private void HandleAppend(Message append)
    {
        if (append.Index < _raftLog.Commit)
        {
            // Everything through commit already matches the leader; say where to continue.
            Acknowledge(append.From, _raftLog.Commit);
            return;
        }
        if (_raftLog.TryAppend(append.Index, append.LogTerm, append.Entries) is { } lastMatched)
        {
            AdvanceCommit(Math.Min(append.Commit, lastMatched));
            Acknowledge(append.From, lastMatched);
            return;
        }
        // The hint is the last index that could still match: at most our last entry, and no entry
        // whose term is above the leader's previous term can match it.
        var hintIndex = _raftLog.FindConflictByTerm(Math.Min(append.Index, _raftLog.LastIndex), append.LogTerm);
        Send(new Message
        {
            Type = MessageType.AppendResponse,
            To = append.From,
            Index = append.Index,
            Reject = true,
            RejectHint = hintIndex,
            LogTerm = _raftLog.Term(hintIndex) ?? 0,
        }, afterPersist: true);
    }

    private void HandleHeartbeat(Message heartbeat)
    {
        // The leader sends at most our acknowledged index as commit, which our log holds.
        AdvanceCommit(Math.Min(heartbeat.Commit, _raftLog.LastIndex));
        Send(new Message { Type = MessageType.HeartbeatResponse, To = heartbeat.From, Context = heartbeat.Context });
    }

    private void HandleSnapshot(Message message)
    {
        var metadata = message.Snapshot.Metadata;
        if (metadata.Index <= _raftLog.Commit)
        {
            Acknowledge(message.From, _raftLog.Commit);
            return;
        }
        if (_raftLog.MatchTerm(metadata.Index, metadata.Term))
        {
            // Our log already holds the snapshot's last entry: keep the log, just commit up to it.
            AdvanceCommit(metadata.Index);
            Acknowledge(message.From, _raftLog.Commit);
            return;
        }
        _raftLog.Restore(metadata);
        _membership = new Membership(metadata.ConfState);
        _confAppliedIndex = metadata.Index;
        _snapshotToPersist = message.Snapshot;
        _latestSnapshot = message.Snapshot;
        LogSnapshotRestored(Id, Term, metadata.Index, metadata.Term);
        Acknowledge(message.From, metadata.Index);
    }

    /// <summary>An append acknowledgement: it promises the entries are durable, so it leaves after the write.</summary>
    private void Acknowledge(ulong leaderId, ulong index) =>
        Send(new Message { Type = MessageType.AppendResponse, To = leaderId, Index = index }, afterPersist: true);
}
