namespace GrainKv.Raft;

/// <summary>
/// One batch of effects for the shell. Handle it in this order, then call
/// <see cref="RaftNode.Advance"/>: send <see cref="Messages"/> (may overlap with the write);
/// persist <see cref="HardState"/>, <see cref="Snapshot"/> and <see cref="EntriesToPersist"/> in one
/// durable write; send <see cref="MessagesAfterPersist"/>; restore <see cref="Snapshot"/> into the
/// state machine and apply <see cref="CommittedEntries"/> in order; serve <see cref="ReadStates"/>
/// once applied has reached their index.
/// </summary>
public sealed class RaftReady
{
    /// <summary>Term, vote and commit to save; null when unchanged since the previous batch.</summary>
    public HardState? HardState { get; init; }

    /// <summary>
    /// Entries to append. Persisting entries that start at index i replaces every stored entry with
    /// index &gt;= i (a follower's conflicting suffix is overwritten this way).
    /// </summary>
    public IReadOnlyList<Entry> EntriesToPersist { get; init; } = [];

    /// <summary>
    /// A snapshot received from the leader: it replaces the whole stored log (entries before and
    /// after it are dropped; <see cref="EntriesToPersist"/> of this batch start after it) and the
    /// state machine.
    /// </summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>
    /// Whether this batch must be durable before <see cref="MessagesAfterPersist"/> leave: false when
    /// the only change is the commit index, which the shell may write lazily with a later batch.
    /// </summary>
    public bool MustSync { get; init; }

    /// <summary>Messages that may leave at once.</summary>
    public IReadOnlyList<Message> Messages { get; init; } = [];

    /// <summary>Vote and append acknowledgements: they promise durability, so they leave only after the write.</summary>
    public IReadOnlyList<Message> MessagesAfterPersist { get; init; } = [];

    public IReadOnlyList<Entry> CommittedEntries { get; init; } = [];

    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];
}
