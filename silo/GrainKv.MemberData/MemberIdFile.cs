using System.Globalization;

namespace GrainKv.MemberData;

/// <summary>
/// The member and cluster ids a silo got when its data dir was created, kept in the data dir as
/// etcd keeps them in its WAL: a member restarted with other URLs is still the same Raft peer.
/// </summary>
public static class MemberIdFile
{
    private const string FileName = "member";

    /// <summary>The stored ids, or the given fresh ones stored now (durably) for next time.</summary>
    public static (ulong ClusterId, ulong MemberId) LoadOrCreate(string dataDir, ulong freshClusterId, ulong freshMemberId)
    {
        var path = Path.Combine(dataDir, FileName);
        if (File.Exists(path))
        {
            var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 2) throw new InvalidDataException($"{path} is not 'cluster-id member-id' in hex");
            return (ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ulong.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{freshClusterId:x16} {freshMemberId:x16}\n"));
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path);
        return (freshClusterId, freshMemberId);
    }
}
