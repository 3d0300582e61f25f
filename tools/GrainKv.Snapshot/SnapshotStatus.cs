using GrainKv.Gateway.Snapshots;
using GrainKv.Grains.Shard;

namespace GrainKv.Snapshot;

/// <summary>
/// What <c>etcdctl snapshot status</c> reports of a snapshot, for GrainKv's file: the hash is the
/// <see cref="MemberSnapshotFile.MemberHash"/> (what Maintenance.Hash answered on the member when it wrote the file),
/// the revision the header's, the total keys every retained version of every key (tombstones included, as etcd
/// counts its backend's rows), the total size the payload's bytes (header and shard states, without padding and hash).
/// </summary>
public sealed record SnapshotStatus(uint Hash, long Revision, long TotalKeys, long TotalBytes)
{
    // Status grants no leases, so the state machine's minimum lease TTL plays no part.
    private const long AnyMinLeaseTtlSeconds = 1;

    public static SnapshotStatus Of(MemberSnapshotFile file)
    {
        var totalKeys = 0L;
        foreach (var state in file.States)
        {
            var shard = new ShardStateMachine(AnyMinLeaseTtlSeconds);
            using var source = new MemoryStream(state.ToArray(), writable: false);
            shard.RestoreSnapshot(source);
            totalKeys += shard.RetainedKeyVersions;
        }
        return new SnapshotStatus(file.MemberHash, file.Header.Revision, totalKeys, file.PayloadBytes);
    }
}
