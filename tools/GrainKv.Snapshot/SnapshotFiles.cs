using GrainKv.Gateway.Snapshots;

namespace GrainKv.Snapshot;

/// <summary>Reads a snapshot file from disk and checks it (<see cref="MemberSnapshotFile.Parse"/>).</summary>
public static class SnapshotFiles
{
    /// <summary>Throws <see cref="SnapshotRefusedException"/> for a file that is missing, unreadable or fails the check.</summary>
    public static MemberSnapshotFile Read(string path, bool checkHash)
    {
        try
        {
            return MemberSnapshotFile.Parse(File.ReadAllBytes(path), checkHash);
        }
        catch (InvalidDataException e)
        {
            throw new SnapshotRefusedException($"snapshot file {path} failed the integrity check: {e.Message}");
        }
        catch (IOException e)
        {
            throw new SnapshotRefusedException($"cannot read snapshot file {path}: {e.Message}");
        }
    }
}
