namespace GrainKv.Storage;

/// <summary>
/// A write adopted a staged snapshot whose data is not all in the store (deleted by another snapshot stored since, or
/// never staged by this generation). Nothing of the batch is stored; the rest of it can be saved without that write.
/// </summary>
public sealed class StagedSnapshotMissingException(ulong groupId, ulong generation, ulong index, long storedChunks, int chunks)
    : Exception($"Group {groupId}: {storedChunks} of the {chunks} chunks of the snapshot at {index} staged by generation {generation} are in the store.")
{
    public ulong GroupId { get; } = groupId;
    public ulong Index { get; } = index;
}
