using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace GrainKv.Raft;

/// <summary>
/// One Raft peer as a pure state machine: messages, ticks and requests in; a <see cref="RaftReady"/>
/// of things to persist, send and apply out. No I/O, clock, thread or randomness of its own.
/// Not thread-safe: the shell serializes calls.
/// </summary>
public sealed partial class RaftNode
{
    private readonly RaftConfig _config;
    private readonly IRandomSource _random;
    private readonly ILogger _log;
    private readonly RaftLog _raftLog;
    private readonly SortedDictionary<ulong, Progress> _progress = [];
    private readonly Dictionary<ulong, bool> _votes = [];
    private readonly ReadIndexQueue _readIndexQueue = new();
    private readonly List<ulong> _readsAwaitingTermCommit = [];
    private readonly List<ReadState> _readStates = [];
    private List<Message> _messages = [];
    private List<Message> _messagesAfterPersist = [];

    private Membership _membership;
    private ulong _vote;
    private int _electionElapsedTicks;
    private int _heartbeatElapsedTicks;
    private int _randomizedElectionTimeoutTicks;
    private ulong _leadTransferee;

    /// <summary>Index of the newest configuration change in the log; a new one waits until it commits.</summary>
    private ulong _pendingConfIndex;

    /// <summary>Configuration changes through this index are reflected in <see cref="_membership"/>.</summary>
    private ulong _confAppliedIndex;

    private ulong _appliedIndex;
    private bool _appendsDue;
    private bool _readHeartbeatDue;
    private HardState _lastHandedHardState;
    /// <summary><see cref="AcknowledgedIndex"/> as a delegate, made once: a commit check runs on every append response.</summary>
    private readonly Func<ulong, ulong> _acknowledgedIndex;
    private RaftReady? _outstandingReady;
    private Snapshot? _latestSnapshot;
    private Snapshot? _snapshotToPersist;

    public RaftNode(RaftConfig config, RaftDurableState restored, IRandomSource random, ILogger log)
    {
        config.Validate();
        _config = config;
        _random = random;
        _log = log;
        _acknowledgedIndex = AcknowledgedIndex;
        _raftLog = new RaftLog(restored.Snapshot, restored.Entries, restored.HardState.Commit);
        Term = restored.HardState.Term;
        _vote = restored.HardState.Vote;
        _lastHandedHardState = restored.HardState.Clone();
        _latestSnapshot = restored.SnapshotWithData;
        _appliedIndex = _raftLog.SnapshotIndex;
        _confAppliedIndex = _raftLog.SnapshotIndex;
        _membership = new Membership(InitialConf(config, restored));
        ApplyCommittedConfChanges();
        ResetElectionTimeout();
    }

    public ulong Id => _config.Id;

    public ulong Term { get; private set; }

    public RaftRole Role { get; private set; }

    public ulong LeaderId { get; private set; }

    /// <summary>The index of the last entry in the log; right after a successful <see cref="Propose"/>, the proposal's.</summary>
    public ulong LastIndex => _raftLog.LastIndex;

    /// <summary>The index the in-memory log starts after: the latest snapshot's, taken here or received from the leader and not yet applied.</summary>
    public ulong SnapshotIndex => _raftLog.SnapshotIndex;

    public RaftStatus Status => new(Id, Term, Role, LeaderId, _raftLog.Commit, _appliedIndex, _raftLog.LastIndex, _membership.ToConfState());

    /// <summary>The term of the entry at <paramref name="index"/>, which must still be in the log or be the snapshot point.</summary>
    public ulong TermAt(ulong index) =>
        _raftLog.Term(index) ?? throw new ArgumentOutOfRangeException(nameof(index), index, "The index is compacted or past the end of the log.");

    private bool IsPromotable => _membership.IsVoter(Id);

    private HardState CurrentHardState => new() { Term = Term, Vote = _vote, Commit = _raftLog.Commit };

    public void Tick()
    {
        if (Role == RaftRole.Leader)
        {
            TickLeader();
            return;
        }
        _electionElapsedTicks++;
        if (IsPromotable && _electionElapsedTicks >= _randomizedElectionTimeoutTicks)
        {
            _electionElapsedTicks = 0;
            StartCampaign(transfer: false);
        }
    }

    public RaftError? Step(Message message)
    {
        if (message.To != Id) return RaftError.WrongRecipient;
        if (!StepTerm(message)) return null;
        switch (message.Type)
        {
            case MessageType.PreVote or MessageType.Vote:
                HandleVoteRequest(message);
                break;
            default:
                switch (Role)
                {
                    case RaftRole.Leader:
                        StepLeader(message);
                        break;
                    case RaftRole.Candidate or RaftRole.PreCandidate:
                        StepCandidate(message);
                        break;
                    default:
                        StepFollower(message);
                        break;
                }
                break;
        }
        return null;
    }

    public RaftError? Propose(ByteString command) => AppendAsLeader(EntryType.EntryNormal, command);

    /// <summary>
    /// A follower's proposal, sent to the leader it knows to append as its own (etcd's MsgProp); no index is known here,
    /// so the proposer recognises the entry by its content when it applies it. The leader of this term is the only
    /// node that can append it, and only in this term: it drops a proposal of an older term, and one that arrives while
    /// it hands leadership over. So once an entry of a later term is applied here, a forwarded proposal not applied by
    /// then never will be. Refused when this node leads (propose instead) or knows no leader.
    /// </summary>
    public RaftError? Forward(ByteString command)
    {
        if (Role == RaftRole.Leader || LeaderId == 0) return RaftError.NotLeader;
        Send(new Message { Type = MessageType.Propose, To = LeaderId, Entries = { new Entry { Type = EntryType.EntryNormal, Data = command } } });
        return null;
    }

    public RaftError? ProposeConfChange(ConfChange change)
    {
        if (Role != RaftRole.Leader) return RaftError.NotLeader;
        if (_pendingConfIndex > _raftLog.Commit) return RaftError.ConfChangeInProgress;
        if (_membership.Validate(change) is { } invalid) return invalid;
        var error = AppendAsLeader(EntryType.EntryConfChange, change.ToByteString());
        if (error is null) _pendingConfIndex = _raftLog.LastIndex;
        return error;
    }

    /// <summary>
    /// Asks for the index a linearizable read must wait for; the answer comes in
    /// <see cref="RaftReady.ReadStates"/> under <paramref name="requestId"/>. Only the leader answers.
    /// </summary>
    public RaftError? ReadIndex(ulong requestId)
    {
        if (Role != RaftRole.Leader) return RaftError.NotLeader;
        // Until an entry of its own term commits, a new leader does not know the latest commit
        // index (thesis 6.4 step 1): the read waits for that.
        if (!HasCommittedInCurrentTerm) _readsAwaitingTermCommit.Add(requestId);
        else StartRead(requestId);
        return null;
    }

    public RaftError? TransferLeadership(ulong targetId)
    {
        if (Role != RaftRole.Leader) return RaftError.NotLeader;
        if (targetId == Id)
        {
            // As etcd's raft: leadership is already where it is asked to go; a transfer under way is called off.
            _leadTransferee = 0;
            return null;
        }
        if (!_membership.IsVoter(targetId)) return RaftError.InvalidTransferTarget;
        if (_leadTransferee == targetId) return null;
        _leadTransferee = targetId;
        // The transfer is abandoned if it has not finished within an election timeout.
        _electionElapsedTicks = 0;
        LogTransferStarted(Id, Term, targetId);
        if (_progress[targetId].Match == _raftLog.LastIndex) SendTimeoutNow(targetId);
        else SendAppend(targetId);
        return null;
    }

    /// <summary>Starts an election now (bootstrap of a single voter, or an operator's request).</summary>
    public void Campaign()
    {
        if (Role != RaftRole.Leader) StartCampaign(transfer: false);
    }

    public RaftReady? TakeReady()
    {
        if (_outstandingReady is not null) return null;
        if (_appendsDue)
        {
            _appendsDue = false;
            BroadcastAppend();
        }
        if (_readHeartbeatDue)
        {
            _readHeartbeatDue = false;
            if (Role == RaftRole.Leader && !_readIndexQueue.IsEmpty) BroadcastHeartbeat();
        }

        var hardStateChanged = Term != _lastHandedHardState.Term || _vote != _lastHandedHardState.Vote || _raftLog.Commit != _lastHandedHardState.Commit;
        var hardState = hardStateChanged ? CurrentHardState : _lastHandedHardState;
        var committedFrom = Math.Max(_appliedIndex, _raftLog.SnapshotIndex) + 1;
        var hasCommitted = committedFrom <= _raftLog.Commit;
        if (!hardStateChanged && !hasCommitted && _snapshotToPersist is null && _raftLog.UnpersistedFrom > _raftLog.LastIndex
            && _messages.Count == 0 && _messagesAfterPersist.Count == 0 && _readStates.Count == 0)
        {
            return null;
        }

        var entriesToPersist = _raftLog.TakeUnpersisted();
        var ready = new RaftReady
        {
            HardState = hardStateChanged ? hardState : null,
            // As etcd-raft's MustSync: a vote, a term or log entries are promises to peers; a
            // commit index alone can be recomputed after a crash, so it need not wait for a sync.
            MustSync = entriesToPersist.Count > 0 || _snapshotToPersist is not null
                || hardState.Term != _lastHandedHardState.Term || hardState.Vote != _lastHandedHardState.Vote,
            Snapshot = _snapshotToPersist,
            EntriesToPersist = entriesToPersist,
            Messages = _messages,
            MessagesAfterPersist = _messagesAfterPersist,
            CommittedEntries = hasCommitted ? _raftLog.Slice(committedFrom, _raftLog.Commit, long.MaxValue) : [],
            ReadStates = [.. _readStates],
        };
        if (hardStateChanged) _lastHandedHardState = hardState;
        _snapshotToPersist = null;
        _messages = [];
        _messagesAfterPersist = [];
        _readStates.Clear();
        _outstandingReady = ready;
        return ready;
    }

    public void Advance(RaftReady handled)
    {
        Invariant.Check(ReferenceEquals(handled, _outstandingReady), "Advance must be given the batch TakeReady returned last");
        _outstandingReady = null;
        if (handled.Snapshot is { } snapshot)
        {
            _raftLog.MarkSnapshotPersisted(snapshot.Metadata.Index);
            _appliedIndex = Math.Max(_appliedIndex, snapshot.Metadata.Index);
        }
        if (handled.EntriesToPersist.Count > 0) _raftLog.MarkPersisted(handled.EntriesToPersist[^1].Index);
        if (handled.CommittedEntries.Count > 0) _appliedIndex = Math.Max(_appliedIndex, handled.CommittedEntries[^1].Index);

        // A candidate's own vote counts only once it is durable: otherwise a crash could let this
        // node vote again in the same term and elect a second leader.
        if (Role == RaftRole.Candidate && handled.HardState is { } saved && saved.Term == Term && saved.Vote == Id)
        {
            RecordVote(Id, granted: true);
        }
        // The leader's own append counts toward commit only once it is durable.
        if (Role == RaftRole.Leader && MaybeCommit()) _appendsDue = true;
    }

    /// <summary>
    /// The application persisted <paramref name="snapshot"/> of its state through <paramref name="appliedIndex"/>:
    /// the log before it may go, and the snapshot is what lagging followers will be sent.
    /// </summary>
    public void ReportSnapshotTaken(ulong appliedIndex, Snapshot snapshot)
    {
        Invariant.Check(snapshot.Metadata.Index == appliedIndex, "the snapshot's index must be the reported applied index");
        Invariant.Check(appliedIndex <= _appliedIndex, $"snapshot at {appliedIndex} is past applied {_appliedIndex}");
        if (appliedIndex <= _raftLog.SnapshotIndex) return;
        Invariant.Check(snapshot.Metadata.Term == _raftLog.Term(appliedIndex), $"snapshot at {appliedIndex} has the wrong term {snapshot.Metadata.Term}");
        _latestSnapshot = snapshot;
        _raftLog.CompactThrough(appliedIndex);
    }

    private bool HasCommittedInCurrentTerm => _raftLog.Term(_raftLog.Commit) == Term;

    private static ConfState InitialConf(RaftConfig config, RaftDurableState restored)
    {
        if (restored.Snapshot?.ConfState is { } snapshotConf) return snapshotConf;
        if (restored.ConfState.Voters.Count > 0 || restored.ConfState.Learners.Count > 0) return restored.ConfState;
        return new ConfState { Voters = { config.InitialVoters }, Learners = { config.InitialLearners } };
    }

    private RaftError? AppendAsLeader(EntryType type, ByteString data)
    {
        if (Role != RaftRole.Leader) return RaftError.NotLeader;
        if (_leadTransferee != 0) return RaftError.ProposalDropped;
        _raftLog.Append(new Entry { Term = Term, Index = _raftLog.LastIndex + 1, Type = type, Data = data });
        // Appends go out once per batch, when the shell takes it: proposals arriving together share messages.
        _appendsDue = true;
        return null;
    }

    private void AdvanceCommit(ulong index)
    {
        if (index <= _raftLog.Commit) return;
        _raftLog.CommitTo(index);
        ApplyCommittedConfChanges();
    }

    /// <summary>
    /// Configuration changes take effect when committed, one node at a time, as in etcd; the leader
    /// refuses a new change while one is uncommitted, so consecutive configurations overlap.
    /// </summary>
    private void ApplyCommittedConfChanges()
    {
        for (var index = _confAppliedIndex + 1; index <= _raftLog.Commit; index++)
        {
            var entry = _raftLog.At(index);
            if (entry.Type != EntryType.EntryConfChange) continue;
            var change = ConfChange.Parser.ParseFrom(entry.Data);
            _membership.Apply(change);
            LogConfChangeApplied(Id, index, change.Type, change.NodeId);
            if (Role == RaftRole.Leader) OnLeaderMembershipChanged();
        }
        _confAppliedIndex = Math.Max(_confAppliedIndex, _raftLog.Commit);
    }

    private void Send(Message message, bool afterPersist = false)
    {
        message.From = Id;
        if (message.Term == 0) message.Term = Term;
        (afterPersist ? _messagesAfterPersist : _messages).Add(message);
    }

    private void ResetElectionTimeout()
    {
        _electionElapsedTicks = 0;
        _randomizedElectionTimeoutTicks = _config.ElectionTimeoutTicks + _random.Next(_config.ElectionTimeoutTicks);
    }
}
