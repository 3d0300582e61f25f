using GrainKv.Gateway.Snapshots;

namespace GrainKv.Snapshot;

/// <summary>
/// What <c>etcdctl snapshot status</c> reports of a snapshot, for GrainKv's file: the hash is the
/// <see cref="MemberSnapshotFile.MemberHash"/> (what Maintenance.Hash answered on the member when it wrote the file),
/// the revision the header's, the total keys every retained version of every key (tombstones included, as etcd
/// counts its backend's rows), the total size the payload's bytes (header and shard states, without padding and hash).
/// </summary>
public sealed record SnapshotStatus(uint Hash, long Revision, long TotalKeys, long TotalBytes)
{
    /// <summary>Throws <see cref="SnapshotRefusedException"/> when a shard state does not load.</summary>
    public static SnapshotStatus Of(MemberSnapshotFile file) =>
        new(file.MemberHash, file.Header.Revision, LoadedShards.Of(file).Sum(shard => shard.RetainedKeyVersions), file.PayloadBytes);
}
