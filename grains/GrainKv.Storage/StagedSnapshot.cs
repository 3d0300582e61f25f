using GrainKv.Raft;

namespace GrainKv.Storage;

/// <summary>
/// A snapshot whose data <see cref="IRaftLogStore.StageSnapshotAsync"/> saved, in <paramref name="Chunks"/> pieces, but
/// that is not yet the group's snapshot: a <see cref="GroupWrite.StagedSnapshot"/> of the same generation makes it so.
/// </summary>
public sealed record StagedSnapshot(SnapshotMetadata Metadata, int Chunks);
