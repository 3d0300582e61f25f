namespace GrainKv.Raft;

/// <summary>
/// Linearizable reads waiting for the leader to confirm it is still leader (thesis 6.4): each read
/// records the commit index when it arrived and is released once a quorum answered a heartbeat
/// sent after it. Confirming a read confirms every read queued before it.
/// </summary>
internal sealed class ReadIndexQueue
{
    private readonly List<PendingRead> _reads = [];

    public bool IsEmpty => _reads.Count == 0;

    /// <summary>The newest read: heartbeats carry its id so one answer covers the whole queue.</summary>
    public ulong LatestRequestId => _reads[^1].RequestId;

    public void Add(ulong requestId, ulong commitIndex, ulong leaderId) =>
        _reads.Add(new PendingRead(requestId, commitIndex, [leaderId]));

    /// <summary>Records <paramref name="from"/>'s answer to the heartbeat for <paramref name="requestId"/>; returns the reads now confirmed.</summary>
    public IReadOnlyList<ReadState> Acknowledge(ulong requestId, ulong from, Membership membership)
    {
        var position = _reads.FindIndex(r => r.RequestId == requestId);
        if (position < 0) return [];
        var acknowledged = _reads[position].AcknowledgedBy;
        acknowledged.Add(from);
        if (!membership.HasQuorum(acknowledged.Contains)) return [];
        var released = _reads.Take(position + 1).Select(r => new ReadState(r.RequestId, r.CommitIndex)).ToList();
        _reads.RemoveRange(0, position + 1);
        return released;
    }

    /// <summary>Leadership was lost: the waiting reads can no longer be confirmed here.</summary>
    public void Clear() => _reads.Clear();

    private sealed record PendingRead(ulong RequestId, ulong CommitIndex, HashSet<ulong> AcknowledgedBy);
}
