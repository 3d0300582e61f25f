namespace GrainKv.Raft;

/// <summary>The leader's view of one peer's log (Raft paper 5.3: nextIndex and matchIndex).</summary>
internal sealed class Progress(int maxInflightMessages, ulong next)
{
    public ulong Match { get; private set; }

    public ulong Next { get; private set; } = next;

    public ProgressState State { get; private set; } = ProgressState.Probe;

    /// <summary>In <see cref="ProgressState.Probe"/>: one append is out, wait for its answer or the next heartbeat.</summary>
    public bool ProbeSent { get; set; }

    /// <summary>The snapshot index being installed, in <see cref="ProgressState.Snapshot"/>.</summary>
    public ulong PendingSnapshotIndex { get; private set; }

    /// <summary>
    /// Ticks without an acknowledgement while a snapshot or appends are in flight. Messages can be
    /// lost; a stalled follower is probed again rather than waited for forever.
    /// </summary>
    public int StalledTicks { get; private set; }

    public bool IsAwaitingAcknowledgement =>
        State == ProgressState.Snapshot || (State == ProgressState.Replicate && Inflights.Count > 0);

    /// <summary>One more tick without news; the total so far.</summary>
    public int TickStalled() => IsAwaitingAcknowledgement ? ++StalledTicks : StalledTicks = 0;

    /// <summary>Heard from since the last quorum check (CheckQuorum).</summary>
    public bool RecentActive { get; set; } = true;

    public Inflights Inflights { get; } = new(maxInflightMessages);

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.IsFull,
        _ => true,
    };

    public void BecomeProbe()
    {
        // Coming back from a snapshot, the follower has at least the snapshot.
        Next = State == ProgressState.Snapshot ? Math.Max(Match + 1, PendingSnapshotIndex + 1) : Match + 1;
        ResetState(ProgressState.Probe);
    }

    public void BecomeReplicate()
    {
        Next = Match + 1;
        ResetState(ProgressState.Replicate);
    }

    public void BecomeSnapshot(ulong snapshotIndex)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshotIndex = snapshotIndex;
    }

    /// <summary>An acknowledgement through <paramref name="index"/>; false if it says nothing new.</summary>
    public bool MaybeUpdate(ulong index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
            StalledTicks = 0;
        }
        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>Entries through <paramref name="lastIndex"/> are on their way (pipelining in the replicate state).</summary>
    public void SentEntries(ulong lastIndex)
    {
        if (State == ProgressState.Replicate)
        {
            Next = lastIndex + 1;
            Inflights.Add(lastIndex);
        }
        else
        {
            ProbeSent = true;
        }
    }

    /// <summary>
    /// The follower rejected an append at <paramref name="rejectedIndex"/>; <paramref name="nextProbe"/>
    /// is where the leader's log and the follower's hint suggest to try next. False for stale rejections.
    /// </summary>
    public bool MaybeDecreaseTo(ulong rejectedIndex, ulong nextProbe)
    {
        if (State == ProgressState.Replicate)
        {
            // In pipelining only a rejection of what we believed matched is news; older ones are stale.
            if (rejectedIndex <= Match) return false;
            Next = Match + 1;
            return true;
        }
        if (Next - 1 != rejectedIndex) return false;
        Next = Math.Max(Math.Min(rejectedIndex, nextProbe + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    private void ResetState(ProgressState state)
    {
        State = state;
        ProbeSent = false;
        PendingSnapshotIndex = 0;
        StalledTicks = 0;
        Inflights.Clear();
    }
}
