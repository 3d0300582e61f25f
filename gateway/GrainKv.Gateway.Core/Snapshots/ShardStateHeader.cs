namespace GrainKv.Gateway.Snapshots;

/// <summary>One shard's entry in a <see cref="MemberSnapshotHeader"/>: the state that follows was taken at this applied index.</summary>
public sealed record ShardStateHeader(ulong ShardId, ulong AppliedIndex, long Revision, ulong StateBytes);
