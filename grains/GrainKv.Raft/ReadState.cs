namespace GrainKv.Raft;

/// <summary>
/// A linearizable read may be served once the state machine has applied <paramref name="Index"/>.
/// </summary>
public readonly record struct ReadState(ulong RequestId, ulong Index);
