using GrainKv.Raft;

namespace GrainKv.Storage;

/// <summary>
/// Durable Raft state for many groups: hard state, configuration, the latest snapshot and the log after it.
/// Every implementation keeps the same contract (see <see cref="GroupWrite"/> for what a write does).
/// </summary>
public interface IRaftLogStore : IAsyncDisposable
{
    /// <summary>
    /// Claims the next fencing generation for a group: strictly greater than every earlier claim, and durable
    /// before it returns. Writes carrying any other generation are refused from then on.
    /// </summary>
    Task<ulong> ClaimGenerationAsync(ulong groupId, CancellationToken ct);

    /// <summary>The group's durable state; an empty state for a group never written.</summary>
    Task<StoredGroupState> LoadAsync(ulong groupId, CancellationToken ct);

    /// <summary>
    /// Applies all writes, in order, in one transaction: either every write is durable when this returns or none
    /// is. Throws <see cref="FencedWriteException"/> (and stores nothing) when any write's generation is not its
    /// group's current one, <see cref="StagedSnapshotMissingException"/> (storing nothing) when a write adopts a staged
    /// snapshot that is not all there.
    /// </summary>
    Task SaveAsync(IReadOnlyList<GroupWrite> writes, CancellationToken ct);

    /// <summary>
    /// Saves a snapshot's data where a later <see cref="GroupWrite.StagedSnapshot"/> with the same generation makes it
    /// the group's snapshot without copying it: in chunks, each durable in a short transaction of its own, so a
    /// <see cref="SaveAsync"/> meanwhile waits for one chunk at most, never for the whole snapshot. Until a write
    /// adopts it, the data is no part of the group's state; a crash leaves it unreferenced, and the group's next
    /// stored snapshot deletes it.
    /// </summary>
    Task<StagedSnapshot> StageSnapshotAsync(ulong groupId, ulong generation, Snapshot snapshot, CancellationToken ct);

    /// <summary>
    /// etcd's defragment: gives the space of compacted log prefixes and replaced snapshots back, where the store
    /// can do so cheaply and without losing durability; a store that cannot answers at once.
    /// </summary>
    Task DefragmentAsync(CancellationToken ct);
}
