using GrainKv.Gateway.Snapshots;
using GrainKv.Hosting;
using GrainKv.MemberData;
using GrainKv.Storage;
using Microsoft.Extensions.Logging;

namespace GrainKv.Snapshot;

/// <summary>
/// Restores a member snapshot into one member's data dir (and, with --storage postgres, its database): the shard
/// states as Raft snapshots of the new cluster through the silo's own log store, then the member file with the new
/// cluster's ids, last, so that a restore cut short leaves no data dir a silo would take for a finished one.
/// </summary>
public static class SnapshotRestore
{
    /// <summary>Throws <see cref="SnapshotRefusedException"/> when the file, the flags or the target cannot be restored.</summary>
    public static async Task<(RestoredMember Member, MemberSnapshotFile File)> RunAsync(RestoreOptions options, CancellationToken ct)
    {
        var file = SnapshotFiles.Read(options.SnapshotPath, checkHash: !options.SkipHashCheck);
        LoadedShards.Of(file);
        RestoredMember member;
        try
        {
            member = RestoredMember.Of(options.Name, options.InitialCluster, options.InitialClusterToken, options.InitialAdvertisePeerUrls);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new SnapshotRefusedException(e.Message);
        }
        MemberRestore restore;
        try
        {
            restore = new MemberRestore(file, member.MemberIds);
        }
        catch (InvalidDataException e)
        {
            throw new SnapshotRefusedException($"{options.SnapshotPath}: {e.Message}");
        }
        if (Directory.Exists(options.Storage.DataDir) && Directory.EnumerateFileSystemEntries(options.Storage.DataDir).Any())
        {
            throw new SnapshotRefusedException($"data-dir \"{options.Storage.DataDir}\" exists and is not empty");
        }

        Directory.CreateDirectory(options.Storage.DataDir);
        using var loggers = LoggerFactory.Create(logging => HostLogging.Configure(logging, LogLevel.Warning));
        await using (var store = await SiloStorage.OpenAsync(options.Storage, loggers, ct))
        {
            var writes = new List<GroupWrite>();
            foreach (var shardId in restore.ShardIds)
            {
                var stored = await store.LoadAsync(shardId, ct);
                if (stored.Snapshot is not null || stored.Entries.Count > 0 || stored.HardState.Term > 0)
                {
                    throw new SnapshotRefusedException($"the {options.Storage.Kind} store already holds Raft state of shard {shardId}");
                }
                writes.Add(restore.WriteFor(shardId, await store.ClaimGenerationAsync(shardId, ct)));
            }
            await store.SaveAsync(writes, ct);
        }
        MemberIdFile.LoadOrCreate(options.Storage.DataDir, member.ClusterId, member.Self.Id);
        return (member, file);
    }
}
