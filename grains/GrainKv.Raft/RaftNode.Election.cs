namespace GrainKv.Raft;

// Terms, elections and role changes (Raft paper 5.2, thesis 9.6 pre-vote, 4.2.3 disruptive servers).
public sealed partial class RaftNode
{
    /// <summary>Marks a vote request sent because the leader handed over: voters skip the leader-lease check.</summary>
    private static readonly Google.Protobuf.ByteString TransferContext = Google.Protobuf.ByteString.CopyFromUtf8("transfer");

    /// <summary>Brings this node's term in line with <paramref name="message"/>'s; false when the message is stale and done with.</summary>
    private bool StepTerm(Message message)
    {
        if (message.Term > Term)
        {
            if (message.Type is MessageType.Vote or MessageType.PreVote && IsInLeaderLease && message.Context != TransferContext)
            {
                // Heard from a live leader within the election timeout: a vote request now comes from
                // a node that is partitioned or removed, and must not depose the leader.
                return false;
            }
            if (message.Type == MessageType.PreVote || (message.Type == MessageType.PreVoteResponse && !message.Reject))
            {
                // A pre-vote carries the term the candidate would have; nobody adopts it yet.
                return true;
            }
            var leader = message.Type is MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot ? message.From : 0;
            BecomeFollower(message.Term, leader);
            return true;
        }
        if (message.Term < Term)
        {
            if (message.Type is MessageType.Append or MessageType.Heartbeat && (_config.CheckQuorum || _config.PreVote))
            {
                // A leader cut off by pre-vote or check-quorum would never learn the new term from
                // vote requests: tell it, so it steps down.
                Send(new Message { Type = MessageType.AppendResponse, To = message.From });
            }
            else if (message.Type == MessageType.PreVote)
            {
                Send(new Message { Type = MessageType.PreVoteResponse, To = message.From, Reject = true });
            }
            return false;
        }
        return true;
    }

    private bool IsInLeaderLease => _config.CheckQuorum && LeaderId != 0 && _electionElapsedTicks < _config.ElectionTimeoutTicks;

    private void HandleVoteRequest(Message request)
    {
        var isPreVote = request.Type == MessageType.PreVote;
        var canVote = _vote == request.From
            || (_vote == 0 && LeaderId == 0)
            || (isPreVote && request.Term > Term);
        var grant = canVote && IsPromotable && _raftLog.IsUpToDate(request.Index, request.LogTerm);
        var response = new Message
        {
            Type = isPreVote ? MessageType.PreVoteResponse : MessageType.VoteResponse,
            To = request.From,
            Term = grant ? request.Term : Term,
            Reject = !grant,
        };
        if (grant && !isPreVote)
        {
            _vote = request.From;
            _electionElapsedTicks = 0;
        }
        // A granted vote is a promise that must survive a crash; pre-votes promise nothing.
        Send(response, afterPersist: !isPreVote);
    }

    private void StartCampaign(bool transfer)
    {
        if (!IsPromotable) return;
        if (_config.PreVote && !transfer) BecomePreCandidate();
        else BecomeCandidate(transfer);
    }

    private void BecomePreCandidate()
    {
        ResetRole(RaftRole.PreCandidate, Term, leaderId: 0);
        LogBecamePreCandidate(Id, Term);
        RecordVote(Id, granted: true);
        if (Role != RaftRole.PreCandidate) return;
        RequestVotes(MessageType.PreVote, Term + 1, context: null);
    }

    private void BecomeCandidate(bool transfer)
    {
        ResetRole(RaftRole.Candidate, Term + 1, leaderId: 0);
        _vote = Id;
        LogBecameCandidate(Id, Term);
        // Our own vote is recorded in Advance, once it is durable.
        RequestVotes(MessageType.Vote, Term, transfer ? TransferContext : null);
    }

    private void RequestVotes(MessageType type, ulong term, Google.Protobuf.ByteString? context)
    {
        foreach (var voter in _membership.Voters)
        {
            if (voter == Id) continue;
            var request = new Message { Type = type, To = voter, Term = term, Index = _raftLog.LastIndex, LogTerm = _raftLog.LastTerm };
            if (context is not null) request.Context = context;
            Send(request);
        }
    }

    private void StepCandidate(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot:
                // A leader exists for this term (or, for a pre-candidate, for the current one).
                BecomeFollower(Term, message.From);
                StepFollower(message);
                break;
            case MessageType.PreVoteResponse when Role == RaftRole.PreCandidate:
            case MessageType.VoteResponse when Role == RaftRole.Candidate:
                RecordVote(message.From, !message.Reject);
                break;
        }
    }

    private void RecordVote(ulong from, bool granted)
    {
        _votes.TryAdd(from, granted);
        if (_membership.HasQuorum(id => _votes.TryGetValue(id, out var g) && g))
        {
            if (Role == RaftRole.PreCandidate) BecomeCandidate(transfer: false);
            else BecomeLeader();
        }
        else if (_membership.HasQuorum(id => _votes.TryGetValue(id, out var g) && !g))
        {
            BecomeFollower(Term, 0);
        }
    }

    private void BecomeFollower(ulong term, ulong leaderId)
    {
        var wasLeader = Role == RaftRole.Leader;
        ResetRole(RaftRole.Follower, term, leaderId);
        if (wasLeader || leaderId != 0) LogBecameFollower(Id, Term, leaderId);
    }

    private void BecomeLeader()
    {
        ResetRole(RaftRole.Leader, Term, Id);
        foreach (var member in _membership.Members)
        {
            if (member != Id) _progress[member] = new Progress(_config.MaxInflightMessages, _raftLog.LastIndex + 1);
        }
        // An empty entry of the new term: committing it commits everything before it (paper 5.4.2)
        // and tells the leader the latest commit index. Configuration changes wait until it does,
        // since an uncommitted change from an earlier term may sit in the log.
        _raftLog.Append(new Entry { Term = Term, Index = _raftLog.LastIndex + 1, Type = EntryType.EntryNormal });
        _pendingConfIndex = _raftLog.LastIndex;
        _appendsDue = true;
        LogBecameLeader(Id, Term);
    }

    private void ResetRole(RaftRole role, ulong term, ulong leaderId)
    {
        if (term != Term)
        {
            Term = term;
            _vote = 0;
        }
        Role = role;
        LeaderId = leaderId;
        ResetElectionTimeout();
        _heartbeatElapsedTicks = 0;
        _votes.Clear();
        _progress.Clear();
        _leadTransferee = 0;
        _readIndexQueue.Clear();
        _readsAwaitingTermCommit.Clear();
    }
}
