using GrainKv.Gateway.Snapshots;
using GrainKv.Grains.Shard;

namespace GrainKv.Snapshot;

/// <summary>
/// The shard states of a snapshot file loaded as a silo loads a Raft snapshot, so that a state no silo could start
/// from is refused by the tool, not found when the restored member fails to start.
/// </summary>
public static class LoadedShards
{
    // Loading grants no leases, so the state machine's minimum lease TTL plays no part.
    private const long AnyMinLeaseTtlSeconds = 1;

    /// <summary>Throws <see cref="SnapshotRefusedException"/> naming the shard whose state does not load.</summary>
    public static IReadOnlyList<ShardStateMachine> Of(MemberSnapshotFile file)
    {
        var shards = new List<ShardStateMachine>(file.States.Count);
        for (var i = 0; i < file.States.Count; i++)
        {
            var shard = new ShardStateMachine(AnyMinLeaseTtlSeconds);
            using var source = new MemoryStream(file.States[i].ToArray(), writable: false);
            try
            {
                shard.RestoreSnapshot(source);
            }
            // Whatever a malformed state makes the readers throw, the file cannot be used: the tool's boundary.
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new SnapshotRefusedException($"the state of shard {file.Header.Shards[i].ShardId} in the snapshot does not load: {e.Message}");
            }
            shards.Add(shard);
        }
        return shards;
    }
}
