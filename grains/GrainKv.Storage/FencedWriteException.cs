namespace GrainKv.Storage;

/// <summary>
/// A write carried a generation other than its group's current one: it comes from a replica activation that a
/// newer one has replaced (or that never claimed a generation), and must never append or vote.
/// </summary>
public sealed class FencedWriteException : Exception
{
    public FencedWriteException(ulong groupId, ulong writeGeneration, ulong currentGeneration)
        : base($"Write to group {groupId} with generation {writeGeneration} refused: the current generation is {currentGeneration}.")
    {
        GroupId = groupId;
        WriteGeneration = writeGeneration;
        CurrentGeneration = currentGeneration;
    }

    public ulong GroupId { get; }
    public ulong WriteGeneration { get; }

    /// <summary>The group's stored generation; 0 when no generation was ever claimed.</summary>
    public ulong CurrentGeneration { get; }
}
