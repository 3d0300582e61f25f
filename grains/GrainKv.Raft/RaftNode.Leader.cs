using System.Buffers.Binary;
using Google.Protobuf;

namespace GrainKv.Raft;

// The leader: replication to each peer's progress, commit, heartbeats, reads, transfer, membership.
public sealed partial class RaftNode
{
    private void TickLeader()
    {
        _heartbeatElapsedTicks++;
        _electionElapsedTicks++;
        if (_heartbeatElapsedTicks >= _config.HeartbeatIntervalTicks)
        {
            _heartbeatElapsedTicks = 0;
            BroadcastHeartbeat();
        }
        foreach (var (peer, progress) in _progress)
        {
            // A snapshot or appends can be lost on the way; after a while, probe again and resend what is needed.
            if (progress.TickStalled() >= 2 * _config.ElectionTimeoutTicks)
            {
                progress.BecomeProbe();
                SendAppend(peer);
            }
        }
        if (_electionElapsedTicks < _config.ElectionTimeoutTicks) return;
        _electionElapsedTicks = 0;
        if (_config.CheckQuorum && !TakeQuorumActive())
        {
            LogQuorumLost(Id, Term);
            BecomeFollower(Term, 0);
            return;
        }
        if (_leadTransferee != 0)
        {
            LogTransferAbandoned(Id, Term, _leadTransferee);
            _leadTransferee = 0;
        }
    }

    /// <summary>Whether a quorum was heard from since the last check; starts the next check window.</summary>
    private bool TakeQuorumActive()
    {
        var active = _membership.HasQuorum(id => id == Id || (_progress.TryGetValue(id, out var p) && p.RecentActive));
        foreach (var progress in _progress.Values) progress.RecentActive = false;
        return active;
    }

    private void StepLeader(Message message)
    {
        Invariant.Check(message.Type is not (MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot),
            $"two leaders in term {Term}: {Id} and {message.From}");
        if (!_progress.TryGetValue(message.From, out var progress)) return;
        switch (message.Type)
        {
            case MessageType.Propose:
                // Dropped, as the leader's own proposals are refused, while leadership is being handed over.
                foreach (var entry in message.Entries) AppendAsLeader(EntryType.EntryNormal, entry.Data);
                break;
            case MessageType.AppendResponse:
                progress.RecentActive = true;
                HandleAppendResponse(message, progress);
                break;
            case MessageType.HeartbeatResponse:
                progress.RecentActive = true;
                HandleHeartbeatResponse(message, progress);
                break;
        }
    }

    private void HandleAppendResponse(Message response, Progress progress)
    {
        var peer = response.From;
        if (response.Reject)
        {
            // The follower's hint (its index and that entry's term) lets us skip a whole
            // conflicting term per round trip instead of one entry.
            var nextProbe = response.LogTerm > 0 ? _raftLog.FindConflictByTerm(response.RejectHint, response.LogTerm) : response.RejectHint;
            if (progress.MaybeDecreaseTo(response.Index, nextProbe))
            {
                if (progress.State == ProgressState.Replicate) progress.BecomeProbe();
                SendAppend(peer);
            }
            return;
        }

        var wasPaused = progress.IsPaused;
        if (!progress.MaybeUpdate(response.Index)) return;
        switch (progress.State)
        {
            case ProgressState.Probe:
                progress.BecomeReplicate();
                break;
            case ProgressState.Snapshot when progress.Match >= progress.PendingSnapshotIndex:
                progress.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                progress.Inflights.FreeThrough(response.Index);
                break;
        }
        if (MaybeCommit())
        {
            // The commit may have applied a change that removed this leader.
            if (Role != RaftRole.Leader) return;
            BroadcastAppend();
        }
        else if (wasPaused)
        {
            SendAppend(peer);
        }
        while (SendAppend(peer, sendIfEmpty: false))
        {
        }
        if (peer == _leadTransferee && progress.Match == _raftLog.LastIndex) SendTimeoutNow(peer);
    }

    private void HandleHeartbeatResponse(Message response, Progress progress)
    {
        progress.ProbeSent = false;
        if (progress.Match < _raftLog.LastIndex) SendAppend(response.From);
        if (response.Context.Length != sizeof(ulong)) return;
        var requestId = BinaryPrimitives.ReadUInt64LittleEndian(response.Context.Span);
        _readStates.AddRange(_readIndexQueue.Acknowledge(requestId, response.From, _membership));
    }

    /// <summary>
    /// Commits the highest index a quorum of voters holds durably, if it is of the current term
    /// (paper 5.4.2: older entries commit only by being below one of ours). True if commit moved.
    /// </summary>
    private bool MaybeCommit()
    {
        var advanced = false;
        while (Role == RaftRole.Leader)
        {
            var quorumIndex = _membership.QuorumIndex(_acknowledgedIndex);
            if (quorumIndex <= _raftLog.Commit || _raftLog.Term(quorumIndex) != Term) break;
            var wasCommittedInTerm = HasCommittedInCurrentTerm;
            // Applying a committed membership change may change the quorum: loop until stable.
            AdvanceCommit(quorumIndex);
            advanced = true;
            if (!wasCommittedInTerm && Role == RaftRole.Leader) ReleaseReadsAwaitingTermCommit();
        }
        return advanced;
    }

    /// <summary>How far a voter has the log: durably here for this node, as last acknowledged for a peer.</summary>
    private ulong AcknowledgedIndex(ulong id) => id == Id ? _raftLog.PersistedIndex : _progress.TryGetValue(id, out var p) ? p.Match : 0;

    private void ReleaseReadsAwaitingTermCommit()
    {
        foreach (var requestId in _readsAwaitingTermCommit) StartRead(requestId);
        _readsAwaitingTermCommit.Clear();
    }

    private void StartRead(ulong requestId)
    {
        if (_membership.Voters.Count == 1)
        {
            // A single voter is its own quorum: nobody can have deposed it.
            _readStates.Add(new ReadState(requestId, _raftLog.Commit));
            return;
        }
        _readIndexQueue.Add(requestId, _raftLog.Commit, Id);
        // One heartbeat, sent at the next TakeReady, confirms every read queued until then.
        _readHeartbeatDue = true;
    }

    private void BroadcastAppend()
    {
        foreach (var peer in _progress.Keys) SendAppend(peer);
    }

    private void BroadcastHeartbeat()
    {
        var context = ByteString.Empty;
        if (!_readIndexQueue.IsEmpty)
        {
            var bytes = new byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, _readIndexQueue.LatestRequestId);
            context = ByteString.CopyFrom(bytes);
        }
        foreach (var (peer, progress) in _progress)
        {
            // Never ask a follower to commit past what it is known to hold.
            var commit = Math.Min(progress.Match, _raftLog.Commit);
            Send(new Message { Type = MessageType.Heartbeat, To = peer, Commit = commit, Context = context });
        }
    }

    /// <summary>Sends <paramref name="peer"/> the entries it is missing; false when nothing was sent.</summary>
    private bool SendAppend(ulong peer, bool sendIfEmpty = true)
    {
        if (!_progress.TryGetValue(peer, out var progress) || progress.IsPaused) return false;
        var prevIndex = progress.Next - 1;
        if (_raftLog.Term(prevIndex) is not { } prevTerm) return SendSnapshot(peer, progress);

        var entries = progress.Next <= _raftLog.LastIndex
            ? _raftLog.Slice(progress.Next, _raftLog.LastIndex, _config.MaxEntriesBytesPerMessage)
            : [];
        if (entries.Count == 0 && !sendIfEmpty) return false;
        Send(new Message
        {
            Type = MessageType.Append,
            To = peer,
            Index = prevIndex,
            LogTerm = prevTerm,
            Entries = { entries },
            Commit = _raftLog.Commit,
        });
        if (entries.Count > 0) progress.SentEntries(entries[^1].Index);
        else if (progress.State == ProgressState.Probe) progress.ProbeSent = true;
        return true;
    }

    private bool SendSnapshot(ulong peer, Progress progress)
    {
        if (_latestSnapshot is null || _latestSnapshot.Metadata.Index < _raftLog.SnapshotIndex)
        {
            LogSnapshotUnavailable(Id, peer, _raftLog.SnapshotIndex);
            return false;
        }
        progress.BecomeSnapshot(_latestSnapshot.Metadata.Index);
        Send(new Message { Type = MessageType.InstallSnapshot, To = peer, Snapshot = _latestSnapshot });
        return true;
    }

    private void SendTimeoutNow(ulong peer) => Send(new Message { Type = MessageType.TimeoutNow, To = peer });

    private void OnLeaderMembershipChanged()
    {
        foreach (var member in _membership.Members)
        {
            if (member != Id && !_progress.ContainsKey(member))
            {
                _progress[member] = new Progress(_config.MaxInflightMessages, _raftLog.LastIndex + 1);
                _appendsDue = true;
            }
        }
        foreach (var peer in _progress.Keys.Where(p => !_membership.Contains(p)).ToList()) _progress.Remove(peer);
        if (_leadTransferee != 0 && !_membership.IsVoter(_leadTransferee)) _leadTransferee = 0;
        if (!_membership.IsVoter(Id))
        {
            // Removed (or demoted): a leader that is not a voter cannot count itself, so it steps down
            // and the remaining voters elect a new leader.
            BecomeFollower(Term, 0);
        }
    }
}
