namespace GrainKv.Raft;

/// <summary>One node's static settings. Ticks are logical: the shell decides how long one is.</summary>
public sealed record RaftConfig
{
    public required ulong Id { get; init; }

    /// <summary>A follower campaigns after a random timeout in [this, 2 * this) ticks without a leader.</summary>
    public int ElectionTimeoutTicks { get; init; } = 10;

    public int HeartbeatIntervalTicks { get; init; } = 1;

    /// <summary>Ask for pre-votes first so a partitioned node rejoining cannot disrupt a healthy leader (thesis 9.6).</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>A leader steps down when it has not heard from a quorum within an election timeout (thesis 6.2).</summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Append messages in flight per follower in the replicate state.</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>Entries per append message stop at this many bytes (at least one entry is always sent).</summary>
    public long MaxEntriesBytesPerMessage { get; init; } = 1024 * 1024;

    /// <summary>Membership of a brand-new group, used only when storage holds no configuration.</summary>
    public IReadOnlyList<ulong> InitialVoters { get; init; } = [];

    public IReadOnlyList<ulong> InitialLearners { get; init; } = [];

    internal void Validate()
    {
        if (Id == 0) throw new ArgumentException("Raft node id 0 means 'none' and cannot be used.", nameof(Id));
        if (HeartbeatIntervalTicks <= 0) throw new ArgumentException("Heartbeat interval must be positive.", nameof(HeartbeatIntervalTicks));
        if (ElectionTimeoutTicks <= HeartbeatIntervalTicks)
            throw new ArgumentException("Election timeout must exceed the heartbeat interval.", nameof(ElectionTimeoutTicks));
        if (MaxInflightMessages <= 0) throw new ArgumentException("At least one message must be allowed in flight.", nameof(MaxInflightMessages));
        if (MaxEntriesBytesPerMessage <= 0) throw new ArgumentException("Message byte limit must be positive.", nameof(MaxEntriesBytesPerMessage));
    }
}
