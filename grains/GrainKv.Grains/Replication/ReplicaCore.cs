using GrainKv.Grains.Cluster;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Shard;
using GrainKv.Mvcc;
using GrainKv.Raft;
using GrainKv.Shard;
using GrainKv.Storage;
using GrainKv.Watch;

namespace GrainKv.Grains.Replication;

/// <summary>
/// One replica's live state: its <see cref="RaftNode"/>, its <see cref="ShardStateMachine"/>, and
/// the callers waiting on proposals and reads. The grain hands it requests; the silo's
/// <see cref="ReplicaDriver"/> persists, sends and applies what the node makes ready. Both sides
/// take <see cref="_gate"/> for the instants they touch the node or the state machine, never
/// across I/O.
/// </summary>
public sealed class ReplicaCore
{
    private readonly object _gate = new();
    private readonly RaftNode _node;
    private readonly ShardStateMachine _stateMachine;
    private readonly ClusterIdentity _identity;
    /// <summary>
    /// Waiters by the log index their proposal was appended at, with its term. Only the leader of a
    /// term appends entries of that term, so when the entry committed at that index has the same
    /// term it is this proposal; any other term means the proposal was overwritten and never applied.
    /// The command is kept too: the entry's data are its bytes, so applying it spares parsing them again.
    /// </summary>
    private readonly Dictionary<ulong, (TaskCompletionSource<ShardReply> Waiter, ulong Term, ShardCommand Command)> _proposals = [];
    /// <summary>
    /// Waiters for proposals this follower forwarded to its leader, by proposal id, with the term they were forwarded in
    /// and when. The entry names this replica and the id, so applying it here answers the caller from this replica's
    /// own state; ids start at this activation's generation, so an entry a predecessor forwarded never answers a new caller.
    /// </summary>
    private readonly Dictionary<ulong, ForwardedProposal> _forwarded = [];
    private ulong _lastProposalId;
    private readonly Dictionary<ulong, PendingRead> _readsAwaitingIndex = [];
    /// <summary>Answers owed once the applied index reaches theirs: reads past their ReadIndex round, and answers passed on from the leader.</summary>
    private readonly List<AwaitingApply> _awaitingApply = [];
    private readonly List<AwaitingLeader> _awaitingLeader = [];
    private readonly ReplicaTiming _timing;
    private ulong _nextRequestId;
    private ulong _appliedIndex;
    private readonly SnapshotSchedule _snapshots;
    private bool _leading;
    private ulong _knownLeader;
    private long _leaderChangesSeen;
    private long _proposalsFailed;
    private bool _stopped;
    private readonly Dictionary<WatchStream, Action> _watchWakeUps = [];
    private readonly IRevisionSource? _revisions;
    /// <summary>
    /// With several shards, the leader's writes waiting for their revisions, in the order they came (and asked); a
    /// lease revoke the leader proposes itself has no waiter. Appended as each revision arrives, so revisions grow in
    /// log order.
    /// </summary>
    private readonly Queue<(ShardCommand Command, TaskCompletionSource<ShardReply>? Waiter)> _awaitingRevision = new();
    /// <summary>
    /// Counts the times the writes awaiting revisions were refused (leadership lost): revisions asked for before are
    /// for no write asked after, which must get revisions allocated after it came.
    /// </summary>
    private long _revisionRound;
    /// <summary>Writes that left <see cref="_awaitingRevision"/> (appended or refused), counted for the reads that wait for them.</summary>
    private long _writesDequeued;
    /// <summary>Reads at an oracle revision waiting until this many writes have left the queue for revisions.</summary>
    private readonly Queue<(long WritesAhead, PendingRead Read)> _readsAwaitingWrites = new();
    /// <summary>Group 0 only: the leader's block of revisions of the revision oracle.</summary>
    private readonly RevisionWindow _revisionWindow = new();

    public ReplicaCore(ReplicaKey key, ulong generation, RaftNode node, ShardStateMachine stateMachine,
        ClusterIdentity identity, ulong appliedIndex, long snapshotBytes, ReplicaTiming timing, IRevisionSource? revisions = null)
    {
        _revisions = revisions;
        Key = key;
        Generation = generation;
        _node = node;
        _stateMachine = stateMachine;
        _identity = identity;
        _appliedIndex = appliedIndex;
        _snapshots = new SnapshotSchedule(timing.SnapshotCount, snapshotBytes, stateMachine.CompactRevision);
        _timing = timing;
        _lastProposalId = generation << ProposalIdBits;
    }

    /// <summary>Bits of a proposal id below the generation: that many forwarded proposals per activation.</summary>
    private const int ProposalIdBits = 40;

    /// <summary>
    /// How long a forwarded proposal is waited for before it is given up as lost (its message dropped on the way, or by
    /// a leader handing over that kept its term): long after any caller's request deadline, so only memory is at stake.
    /// </summary>
    private long ForwardedGiveUpMs => 20 * _timing.ElectionTimeoutMs;

    public ReplicaKey Key { get; }
    public ulong Generation { get; }

    /// <summary>How often this replica came to know a new leader (etcd's leader_changes_seen_total).</summary>
    public long LeaderChangesSeen => Volatile.Read(ref _leaderChangesSeen);

    /// <summary>Proposals made here that were refused or never applied (etcd's proposals_failed_total).</summary>
    public long ProposalsFailed => Volatile.Read(ref _proposalsFailed);

    /// <summary>Keys in the applied state's index, deleted ones not yet compacted included (etcd's debugging keys_total).</summary>
    public long IndexedKeys
    {
        get
        {
            lock (_gate) return _stateMachine.IndexedKeys;
        }
    }

    /// <summary>Proposals made here still waiting to be applied (etcd's proposals_pending).</summary>
    public int PendingProposals
    {
        get
        {
            lock (_gate) return _proposals.Count + _forwarded.Count;
        }
    }

    /// <summary>
    /// A write: appended here if this replica leads, else forwarded to the leader it knows and answered once applied
    /// here (as etcd answers on the member that took the request); refused, naming the leader known, if it knows none.
    /// With several shards the leader stamps each write, its own and those forwarded to it, with a revision from the
    /// oracle before appending it.
    /// </summary>
    public Task<ShardReply> Propose(ShardCommand command)
    {
        var waiter = NewWaiter();
        lock (_gate)
        {
            if (_stopped) return Task.FromResult(new ShardReply { Error = ShardError.NotLeader });
            if (_node.Role != RaftRole.Leader && _node.LeaderId != 0) return Forward(command, waiter);
            if (_revisions is not null)
            {
                if (_node.Role != RaftRole.Leader) return Task.FromResult(Refused(Failed(ShardError.NotLeader)));
                AwaitRevision(command, waiter);
                return waiter.Task;
            }
            var error = _node.Propose(command.ToByteString());
            if (error is not null) return Task.FromResult(Refused(Failed(ToShardError(error.Value))));
            _proposals[_node.LastIndex] = (waiter, _node.Term, command);
        }
        return waiter.Task;
    }

    /// <summary>Queues a write on the leader until the oracle gives it a revision. The caller holds the gate and leads.</summary>
    private void AwaitRevision(ShardCommand command, TaskCompletionSource<ShardReply>? waiter)
    {
        _awaitingRevision.Enqueue((command, waiter));
        var round = _revisionRound;
        _revisions!.Request(revision => AppendStamped(round, revision), error => RefuseAwaitingRevision(round, error));
    }

    /// <summary>The oracle's revision for the write that asked first among those waiting: stamped and appended.</summary>
    private void AppendStamped(long round, long revision)
    {
        lock (_gate)
        {
            if (round != _revisionRound || !_awaitingRevision.TryDequeue(out var write)) return;
            write.Command.Revision = revision;
            var error = _node.Propose(write.Command.ToByteString());
            if (error is not null) write.Waiter?.TrySetResult(Refused(Failed(ToShardError(error.Value))));
            else if (write.Waiter is not null) _proposals[_node.LastIndex] = (write.Waiter, _node.Term, write.Command);
            WriteDequeued();
        }
    }

    private void RefuseAwaitingRevision(long round, ShardError error)
    {
        lock (_gate)
        {
            if (round != _revisionRound || !_awaitingRevision.TryDequeue(out var write)) return;
            write.Waiter?.TrySetResult(Failed(error));
            WriteDequeued();
        }
    }

    /// <summary>
    /// Leadership was lost (or the replica stopped) before these writes got their revisions: none was proposed, so
    /// each is refused as by a follower, and goes to the new leader, as do the reads at a revision waiting for them.
    /// The caller holds the gate.
    /// </summary>
    private void RefuseAllAwaitingRevision(ShardError error)
    {
        while (_readsAwaitingWrites.TryDequeue(out var waiting)) waiting.Read.Waiter.TrySetResult(Refused(new ShardReply { Error = error }));
        if (_awaitingRevision.Count == 0) return;
        _revisionRound++;
        _writesDequeued += _awaitingRevision.Count;
        while (_awaitingRevision.TryDequeue(out var write)) write.Waiter?.TrySetResult(Refused(Failed(error)));
    }

    /// <summary>Sends <paramref name="command"/> to the leader this follower knows. The caller holds the gate.</summary>
    private Task<ShardReply> Forward(ShardCommand command, TaskCompletionSource<ShardReply> waiter)
    {
        command.Proposer = Key.ReplicaId;
        command.ProposalId = ++_lastProposalId;
        if (_node.Forward(command.ToByteString()) is { } error) return Task.FromResult(Refused(Failed(ToShardError(error))));
        _forwarded[command.ProposalId] = new ForwardedProposal(waiter, _node.Term, _timing.NowMs());
        return waiter.Task;
    }

    /// <summary>
    /// A serializable read is served from the applied state at once; any other read waits for a
    /// ReadIndex round. Lease reads always do (etcd's ensureLeadership before a renewal): a leader
    /// deposed without knowing it (cut off, or its disk hung so its heartbeats wait behind the write) would otherwise
    /// renew leases that the new leader is counting down from its promotion, and a client would
    /// believe its lease live after the new leader revoked it. Once a quorum answered a heartbeat
    /// sent after the request arrived, every later leader was elected after the client asked, so
    /// its countdown outlasts the client's.
    /// </summary>
    public Task<ShardReply> Read(ShardRead read)
    {
        lock (_gate)
        {
            if (_stopped) return Task.FromResult(new ShardReply { Error = read.Serializable ? ShardError.Stopped : ShardError.NotLeader });
            if (read.Serializable && !ShardStateMachine.IsLeaseRead(read)) return Task.FromResult(Serve(read));
            if (read.Revision != 0) return ReadAtRevision(read);
            var pending = new PendingRead(read, NewWaiter());
            StartReadIndex(pending);
            return pending.Waiter.Task;
        }
    }

    /// <summary>
    /// A read at an oracle revision (part of a read over several shards), on the leader: once the writes waiting for
    /// revisions when it came are appended, every write this shard may still commit at or below the read's revision
    /// (allocated before the read was sent) is in the log; a ReadIndex round then confirms the leadership, and the read
    /// is served once all of that log is applied. The caller holds the gate.
    /// </summary>
    private Task<ShardReply> ReadAtRevision(ShardRead read)
    {
        if (_node.Role != RaftRole.Leader) return Task.FromResult(Refused(new ShardReply { Error = ShardError.NotLeader }));
        var pending = new PendingRead(read, NewWaiter());
        var writesAhead = _writesDequeued + _awaitingRevision.Count;
        if (writesAhead == _writesDequeued) StartReadIndex(pending with { MinIndex = _node.LastIndex });
        else _readsAwaitingWrites.Enqueue((writesAhead, pending));
        return pending.Waiter.Task;
    }

    /// <summary>
    /// Group 0's leader hands out <paramref name="count"/> revisions of the revision oracle: from the block it reserved
    /// (reserving one through Raft first when it has none left), answered once a ReadIndex round confirms it still
    /// leads (<see cref="RevisionWindow"/>).
    /// </summary>
    public Task<ShardReply> AllocateRevisions(uint count)
    {
        lock (_gate)
        {
            if (_stopped || _node.Role != RaftRole.Leader) return Task.FromResult(Refused(new ShardReply { Error = ShardError.NotLeader }));
            var waiter = NewWaiter();
            if (_revisionWindow.TryTake(count, out var block))
            {
                ConfirmAllocation(block, waiter);
                return waiter.Task;
            }
            _revisionWindow.Wait(count, waiter);
            if (_revisionWindow.Reservation.Index == 0) ReserveRevisions();
            return waiter.Task;
        }
    }

    /// <summary>Proposes the reservation of the next block. The caller holds the gate.</summary>
    private void ReserveRevisions()
    {
        var reserve = new ShardCommand { AllocateRevisions = new AllocateRevisions { Count = _revisionWindow.NextReservationSize } };
        if (_node.Propose(reserve.ToByteString()) is { } error)
        {
            foreach (var waiter in _revisionWindow.GiveUp()) waiter.TrySetResult(Refused(Failed(ToShardError(error))));
            return;
        }
        _revisionWindow.Reservation = (_node.LastIndex, _node.Term);
    }

    private void ConfirmAllocation(RevisionBlock block, TaskCompletionSource<ShardReply> waiter) =>
        StartReadIndex(new PendingRead(null, waiter, Answer: () => new ShardReply { Revisions = block }));

    /// <summary>Starts a ReadIndex round for <paramref name="pending"/>, or refuses it. The caller holds the gate.</summary>
    private void StartReadIndex(PendingRead pending)
    {
        var requestId = ++_nextRequestId;
        var error = _node.ReadIndex(requestId);
        if (error is not null)
        {
            pending.Waiter.TrySetResult(Refused(new ShardReply { Error = ToShardError(error.Value) }));
            return;
        }
        _readsAwaitingIndex[requestId] = pending;
    }

    /// <summary>A write left the queue for revisions: reads at a revision that waited for it start their round. The caller holds the gate.</summary>
    private void WriteDequeued()
    {
        _writesDequeued++;
        while (_readsAwaitingWrites.TryPeek(out var waiting) && waiting.WritesAhead <= _writesDequeued)
        {
            _readsAwaitingWrites.Dequeue();
            StartReadIndex(waiting.Read with { MinIndex = _node.LastIndex });
        }
    }

    /// <summary>
    /// Answers in this member's name what the leader's replica served (<paramref name="served"/>), once this replica
    /// has applied as far as the leader had: as etcd answers a request only after the member that took it applied it,
    /// so this member's own serializable reads see what it acknowledged.
    /// </summary>
    public Task<ShardReply> AnswerWhenApplied(ShardReply served)
    {
        lock (_gate)
        {
            if (served.AppliedIndex <= _appliedIndex) return Task.FromResult(AnswerHere(served));
            var waiter = NewWaiter();
            _awaitingApply.Add(new AwaitingApply(served.AppliedIndex, waiter, () => AnswerHere(served)));
            return waiter.Task;
        }
    }

    /// <summary>
    /// The leader this replica knows, once it knows one other than <paramref name="stale"/> (a leader a caller found no
    /// longer leading; 0 for none), or <paramref name="stale"/> again in a later term: at once if it does, else when it
    /// learns of one. A front door follows leadership with it rather than polling status.
    /// </summary>
    public Task<ulong> WaitForLeader(ulong stale)
    {
        lock (_gate)
        {
            var waiting = new AwaitingLeader(stale, _node.Term, new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously));
            if (waiting.IsAnsweredBy(_node.LeaderId, _node.Term)) return Task.FromResult(_node.LeaderId);
            _awaitingLeader.Add(waiting);
            return waiting.Waiter.Task;
        }
    }

    public ShardStatus GetStatus()
    {
        lock (_gate)
        {
            var status = _node.Status;
            return new ShardStatus
            {
                ReplicaId = status.Id,
                LeaderId = status.LeaderId,
                Term = status.Term,
                CommitIndex = status.CommitIndex,
                AppliedIndex = _appliedIndex,
                Revision = _stateMachine.Revision,
                CompactRevision = _stateMachine.CompactRevision,
                Alarms = { _stateMachine.Alarms },
                IndexedKeys = _stateMachine.IndexedKeys,
            };
        }
    }

    /// <summary>The applied state in the bytes a Raft snapshot of it holds, captured in one instant under the gate.</summary>
    public ReplicaImage TakeImage()
    {
        var (appliedIndex, revision, state) = CaptureState();
        return new ReplicaImage { ReplicaId = Key.ReplicaId, AppliedIndex = appliedIndex, Revision = revision, State = state.ToByteString() };
    }

    /// <summary>The CRC-32 of what <see cref="TakeImage"/> would carry, streamed rather than copied.</summary>
    public ReplicaHash Hash()
    {
        var (appliedIndex, revision, state) = CaptureState();
        using var crc = new Crc32Stream();
        state.WriteTo(crc);
        return new ReplicaHash { ReplicaId = Key.ReplicaId, AppliedIndex = appliedIndex, Revision = revision, Hash = crc.Value };
    }

    /// <summary>The applied state with its index and revision, captured under the gate to be written outside it.</summary>
    private (ulong AppliedIndex, long Revision, ShardStateSnapshot State) CaptureState()
    {
        lock (_gate) return (_appliedIndex, _stateMachine.Revision, _stateMachine.CaptureSnapshot());
    }

    public ShardReply TransferLeadership(ulong targetId)
    {
        lock (_gate)
        {
            var error = _node.TransferLeadership(targetId);
            return new ShardReply { Error = error is null ? ShardError.None : ToShardError(error.Value) };
        }
    }

    public void Campaign()
    {
        lock (_gate) _node.Campaign();
    }

    /// <summary>One Raft tick; on the leader, also proposes the revokes of leases whose TTL ran out.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            _node.Tick();
            TrackLeadership();
            GiveUpLostForwards();
            if (!_leading) return;
            foreach (var lease in _stateMachine.ExpiredLeases(_timing.NowMs(), ReplicaTiming.RevokesPerCheck))
            {
                var revoke = new ShardCommand { LeaseRevoke = new Etcdserverpb.LeaseRevokeRequest { ID = lease } };
                if (_revisions is not null) AwaitRevision(revoke, waiter: null);
                else _node.Propose(revoke.ToByteString());
            }
        }
    }

    public void Step(Message message)
    {
        lock (_gate)
        {
            if (_revisions is not null && message.Type == MessageType.Propose && _node.Role == RaftRole.Leader)
            {
                // A follower's forwarded writes are stamped like the leader's own; the follower's caller waits for them by proposal id.
                foreach (var entry in message.Entries) AwaitRevision(ShardCommand.Parser.ParseFrom(entry.Data), waiter: null);
                return;
            }
            _node.Step(message);
            TrackLeadership();
        }
    }

    public RaftReady? TakeReady()
    {
        lock (_gate) return _node.TakeReady();
    }

    /// <summary>
    /// Restores a received snapshot, applies committed entries in log order and answers their
    /// callers and the reads they unblock. Committed entries are already durable on a quorum, so
    /// this may run before the rest of <paramref name="ready"/> is persisted; a snapshot may not.
    /// </summary>
    public void Apply(RaftReady ready)
    {
        List<(TaskCompletionSource<ShardReply>, ShardReply)> answers = [];
        lock (_gate)
        {
            if (ready.Snapshot is { } snapshot && snapshot.Metadata.Index > _appliedIndex)
            {
                using var source = new MemoryStream(snapshot.Data.ToByteArray(), writable: false);
                _stateMachine.RestoreSnapshot(source);
                _appliedIndex = snapshot.Metadata.Index;
                _snapshots.Taken(_stateMachine.CompactRevision);
                _snapshots.Saved(snapshot.Data.Length);
                // Whether a proposal inside the snapshot was applied cannot be told: its outcome is unknown, as after a timeout.
                foreach (var index in _proposals.Keys.Where(i => i <= _appliedIndex).ToArray())
                {
                    _proposals.Remove(index, out var unknown);
                    answers.Add((unknown.Waiter, Failed(ShardError.Timeout)));
                }
                foreach (var forwarded in _forwarded.Values) answers.Add((forwarded.Waiter, Failed(ShardError.Timeout)));
                _forwarded.Clear();
            }
            foreach (var entry in ready.CommittedEntries)
            {
                if (entry.Index <= _appliedIndex) continue;
                _appliedIndex = entry.Index;
                _snapshots.Applied(entry.Data.Length);
                var proposed = _proposals.Remove(entry.Index, out var proposal);
                var ours = proposed && proposal.Term == entry.Term;
                var command = entry.Type == EntryType.EntryNormal && !entry.Data.IsEmpty
                    ? ours ? proposal.Command : ShardCommand.Parser.ParseFrom(entry.Data.Span)
                    : null;
                var applied = command is null ? null : _stateMachine.Apply(command, _timing.NowMs());
                if ((entry.Index, entry.Term) == _revisionWindow.Reservation && applied?.Revisions is { } reserved)
                {
                    foreach (var (block, waiter) in _revisionWindow.Reserved(reserved)) ConfirmAllocation(block, waiter);
                }
                if (command is { ProposalId: not 0 } && command.Proposer == Key.ReplicaId && _forwarded.Remove(command.ProposalId, out var forwarded))
                {
                    applied!.AppliedIndex = entry.Index;
                    applied.LeaderId = _node.LeaderId;
                    answers.Add((forwarded.Waiter, AnswerHere(applied)));
                }
                if (!proposed) continue;
                if (ours && applied is not null)
                {
                    applied.AppliedIndex = entry.Index;
                    answers.Add((proposal.Waiter, AnswerHere(applied)));
                }
                else
                {
                    answers.Add((proposal.Waiter, Failed(ShardError.LeaderChanged)));
                }
            }
            if (ready.CommittedEntries.Count > 0) RefuseForwardsOfTermsBefore(ready.CommittedEntries[^1].Term, answers);
            foreach (var state in ready.ReadStates)
            {
                if (_readsAwaitingIndex.Remove(state.RequestId, out var read))
                {
                    _awaitingApply.Add(new AwaitingApply(Math.Max(state.Index, read.MinIndex), read.Waiter, read.Answer ?? (() => Serve(read.Request!))));
                }
            }
            for (var i = _awaitingApply.Count - 1; i >= 0; i--)
            {
                var awaiting = _awaitingApply[i];
                if (awaiting.Index > _appliedIndex) continue;
                answers.Add((awaiting.Waiter, awaiting.Answer()));
                _awaitingApply.RemoveAt(i);
            }
        }
        foreach (var (waiter, reply) in answers) waiter.TrySetResult(reply);
        WakeWatchStreams();
    }

    /// <summary>Opens a Watch stream on this replica's applied state; <paramref name="wakeUp"/> is called whenever it has output.</summary>
    public WatchStream OpenWatch(Action wakeUp)
    {
        lock (_gate)
        {
            var stream = _stateMachine.Watches.OpenStream();
            _watchWakeUps[stream] = wakeUp;
            return stream;
        }
    }

    public void HandleWatch(WatchStream stream, WatchRequest request)
    {
        lock (_gate) stream.Handle(request);
        WakeWatchStreams();
    }

    /// <summary>What to write to the stream next, and whether more remains (history still to replay).</summary>
    public (IReadOnlyList<WatchResponse> Responses, bool More) TakeWatchOutbox(WatchStream stream)
    {
        lock (_gate)
        {
            var responses = stream.TakeOutbox();
            foreach (var response in responses) ResponseHeaders.Stamp(response.Header, _identity, _node.Term);
            return (responses, stream.HasOutput);
        }
    }

    /// <summary>A progress-notify interval passed: idle watchers that asked for it hear the current revision.</summary>
    public void NotifyWatchProgress()
    {
        lock (_gate) _stateMachine.Watches.NotifyProgress();
        WakeWatchStreams();
    }

    public void CloseWatch(WatchStream stream)
    {
        lock (_gate)
        {
            if (_watchWakeUps.Remove(stream)) _stateMachine.Watches.CloseStream(stream);
        }
    }

    private void WakeWatchStreams()
    {
        List<Action> wakeUps;
        lock (_gate)
        {
            var ready = _stateMachine.Watches.TakeReadyStreams();
            if (ready.Count == 0) return;
            wakeUps = new List<Action>(ready.Count);
            foreach (var stream in ready)
            {
                if (_watchWakeUps.TryGetValue(stream, out var wakeUp)) wakeUps.Add(wakeUp);
            }
        }
        foreach (var wakeUp in wakeUps) wakeUp();
    }

    /// <summary>The shell persisted, sent and applied everything in <paramref name="ready"/>.</summary>
    public void Advance(RaftReady ready)
    {
        lock (_gate)
        {
            _node.Advance(ready);
            TrackLeadership();
        }
    }

    /// <summary>
    /// Lease TTLs run only on the leader: a new leader restarts every lease's countdown from its
    /// full TTL plus an election timeout (as etcd), so no lease expires early because of failover.
    /// </summary>
    private void TrackLeadership()
    {
        // Counted as etcd counts: each time a leader becomes known that is not the one known last, none in between included.
        if (_node.LeaderId != _knownLeader)
        {
            _knownLeader = _node.LeaderId;
            if (_knownLeader != 0) Interlocked.Increment(ref _leaderChangesSeen);
        }
        AnswerLeaderWaiters();
        var leading = _node.Role == RaftRole.Leader;
        if (leading == _leading) return;
        _leading = leading;
        if (leading)
        {
            _stateMachine.Promote(_timing.NowMs(), _timing.ElectionTimeoutMs);
            return;
        }
        _stateMachine.Demote();
        RefuseReadsAwaitingIndex();
        RefuseAllAwaitingRevision(ShardError.NotLeader);
        foreach (var waiter in _revisionWindow.GiveUp()) waiter.TrySetResult(Refused(new ShardReply { Error = ShardError.NotLeader }));
    }

    private void AnswerLeaderWaiters()
    {
        if (_awaitingLeader.Count == 0) return;
        var (leader, term) = (_node.LeaderId, _node.Term);
        _awaitingLeader.RemoveAll(waiting =>
        {
            if (!waiting.IsAnsweredBy(leader, term)) return false;
            waiting.Waiter.TrySetResult(leader);
            return true;
        });
    }

    /// <summary>
    /// Only the leader of the term a proposal was forwarded in can have appended it: once an entry of a later term is
    /// applied, one still unapplied never will be, and is refused as a proposal overwritten on the leader is. The caller holds the gate.
    /// </summary>
    private void RefuseForwardsOfTermsBefore(ulong term, List<(TaskCompletionSource<ShardReply>, ShardReply)> answers)
    {
        if (_forwarded.Count == 0) return;
        foreach (var (id, forwarded) in _forwarded.Where(f => f.Value.Term < term).ToArray())
        {
            _forwarded.Remove(id);
            answers.Add((forwarded.Waiter, Failed(ShardError.LeaderChanged)));
        }
    }

    /// <summary>Forwarded proposals waited for past any caller's deadline: their outcome is unknown. The caller holds the gate.</summary>
    private void GiveUpLostForwards()
    {
        if (_forwarded.Count == 0) return;
        var horizon = _timing.NowMs() - ForwardedGiveUpMs;
        foreach (var (id, forwarded) in _forwarded.Where(f => f.Value.SentMs < horizon).ToArray())
        {
            _forwarded.Remove(id);
            forwarded.Waiter.TrySetResult(Failed(ShardError.Timeout));
        }
    }

    /// <summary>
    /// The node dropped the reads it had not confirmed when it stopped leading: refuse them now, so
    /// callers (a keep-alive stream among them) go to the new leader instead of timing out.
    /// </summary>
    private void RefuseReadsAwaitingIndex()
    {
        foreach (var read in _readsAwaitingIndex.Values) read.Waiter.TrySetResult(Refused(new ShardReply { Error = ShardError.NotLeader }));
        _readsAwaitingIndex.Clear();
    }

    /// <summary>
    /// A capture of the applied state when its <see cref="SnapshotSchedule"/> says one is due: the gate is held only to
    /// copy references, and the caller writes and saves the snapshot off the Raft loop.
    /// </summary>
    public SnapshotCapture? CaptureSnapshotIfDue()
    {
        lock (_gate)
        {
            if (!_snapshots.IsDue(_stateMachine.CompactRevision)) return null;
            // A snapshot from the leader already replaced the log past the applied state (it came
            // while a write was in flight) and replaces the state once that lands: a snapshot of
            // the older state is of no use, and the log no longer knows its term.
            if (_appliedIndex < _node.SnapshotIndex) return null;
            var capture = new SnapshotCapture(
                new SnapshotMetadata
                {
                    Index = _appliedIndex,
                    Term = _node.TermAt(_appliedIndex),
                    ConfState = _node.Status.ConfState.Clone(),
                },
                _stateMachine.CaptureSnapshot());
            _snapshots.Taken(_stateMachine.CompactRevision);
            return capture;
        }
    }

    /// <summary>
    /// Whether a snapshot at <paramref name="index"/> would still replace the log's: not once one from the leader
    /// at a later index was taken in meanwhile.
    /// </summary>
    public bool WouldCompactTheLog(ulong index)
    {
        lock (_gate) return index > _node.SnapshotIndex;
    }

    public void SnapshotPersisted(Snapshot snapshot)
    {
        lock (_gate)
        {
            _node.ReportSnapshotTaken(snapshot.Metadata.Index, snapshot);
            _snapshots.Saved(snapshot.Data.Length);
        }
    }

    /// <summary>
    /// The replica goes away (its silo's driver dropped it: deactivated, or fenced by a newer replica of its group):
    /// everyone still waiting learns it was stopped, an outcome unknown for a proposal; anything asked later is refused
    /// as by a replica that does not lead, so a front door looks for the group's leader elsewhere instead of proposing
    /// to a node that will never commit again.
    /// </summary>
    public void Stop()
    {
        List<TaskCompletionSource<ShardReply>> waiters;
        lock (_gate)
        {
            _stopped = true;
            RefuseAllAwaitingRevision(ShardError.Stopped);
            foreach (var waiter in _revisionWindow.GiveUp()) waiter.TrySetResult(new ShardReply { Error = ShardError.Stopped });
            foreach (var waiting in _awaitingLeader) waiting.Waiter.TrySetResult(0);
            _awaitingLeader.Clear();
            waiters = [.. _proposals.Values.Select(p => p.Waiter), .. _forwarded.Values.Select(f => f.Waiter), .. _readsAwaitingIndex.Values.Select(r => r.Waiter),
                .. _awaitingApply.Select(a => a.Waiter)];
            Interlocked.Add(ref _proposalsFailed, _proposals.Count + _forwarded.Count);
            _proposals.Clear();
            _forwarded.Clear();
            _readsAwaitingIndex.Clear();
            _awaitingApply.Clear();
        }
        foreach (var waiter in waiters) waiter.TrySetResult(new ShardReply { Error = ShardError.Stopped });
    }

    /// <summary>Answers a read from the applied state; a lease read renews or reports on the leader's clock, and is refused if this replica no longer leads.</summary>
    private ShardReply Serve(ShardRead read)
    {
        var reply = ShardStateMachine.IsLeaseRead(read) ? _stateMachine.ReadLease(read, _timing.NowMs()) : _stateMachine.Read(read);
        reply.AppliedIndex = _appliedIndex;
        return AnswerHere(reply);
    }

    /// <summary>Names this member, in its current term, as the one answering. The caller holds the gate.</summary>
    private ShardReply AnswerHere(ShardReply reply)
    {
        ResponseHeaders.Stamp(reply, _identity, _node.Term);
        return reply;
    }

    /// <summary>A refusal carries the leader this replica knows (0 for none), so the caller can go there. The caller holds the gate.</summary>
    private ShardReply Refused(ShardReply reply)
    {
        reply.LeaderId = _node.LeaderId;
        return reply;
    }

    /// <summary>The answer to a proposal that failed, counted. The caller holds the gate.</summary>
    private ShardReply Failed(ShardError error)
    {
        Interlocked.Increment(ref _proposalsFailed);
        return new ShardReply { Error = error };
    }

    private static TaskCompletionSource<ShardReply> NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static ShardError ToShardError(RaftError error) => error switch
    {
        RaftError.NotLeader => ShardError.NotLeader,
        RaftError.ProposalDropped => ShardError.LeaderChanged,
        RaftError.InvalidTransferTarget => ShardError.BadLeaderTransferee,
        _ => ShardError.Stopped,
    };

    /// <param name="Request">The read to serve; null for an answer made in advance (<paramref name="Answer"/>).</param>
    /// <param name="MinIndex">The log index the read is served after at the earliest, whatever its ReadIndex.</param>
    /// <param name="Answer">What the round confirms, when it is not a read of the state (an allocation of revisions).</param>
    private sealed record PendingRead(ShardRead? Request, TaskCompletionSource<ShardReply> Waiter, ulong MinIndex = 0, Func<ShardReply>? Answer = null);

    private sealed record ForwardedProposal(TaskCompletionSource<ShardReply> Waiter, ulong Term, long SentMs);

    private sealed record AwaitingApply(ulong Index, TaskCompletionSource<ShardReply> Waiter, Func<ShardReply> Answer);

    /// <summary>A caller waiting for a leader other than <see cref="Stale"/>, or for it again in a term after <see cref="Term"/>.</summary>
    private sealed record AwaitingLeader(ulong Stale, ulong Term, TaskCompletionSource<ulong> Waiter)
    {
        public bool IsAnsweredBy(ulong leader, ulong term) => leader != 0 && (leader != Stale || term > Term);
    }
}
