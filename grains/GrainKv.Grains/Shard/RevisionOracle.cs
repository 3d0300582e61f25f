using System.Text;
using GrainKv.Mvcc;
using GrainKv.Shard;

namespace GrainKv.Grains.Shard;

/// <summary>
/// Group 0's revision oracle for a cluster of several shards: hands out revisions in blocks, each block after every
/// block handed out before it, so a write that starts after another was acknowledged gets a greater revision wherever
/// its keys live. Replicated state: every replica of group 0 applies the same allocations in log order.
/// </summary>
public sealed class RevisionOracle
{
    private const uint Magic = 0x4F52564B; // "KVRO"
    private const int FormatVersion = 1;

    /// <summary>More than any write asks for in one allocation; bounds what a malformed request can skip.</summary>
    public const int MaxBlock = 1 << 20;

    /// <summary>The highest revision handed out; a fresh cluster's first write gets the revision after etcd's initial one.</summary>
    public long Allocated { get; private set; } = MvccStore.InitialRevision;

    public RevisionBlock Allocate(uint count)
    {
        var size = Math.Clamp(count, 1, MaxBlock);
        var block = new RevisionBlock { First = Allocated + 1, Last = Allocated + size };
        Allocated = block.Last;
        return block;
    }

    public void WriteSnapshot(Stream destination)
    {
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write7BitEncodedInt(FormatVersion);
        writer.Write(Allocated);
    }

    /// <summary>Snapshots taken before the oracle existed end before this section: nothing was allocated.</summary>
    public static RevisionOracle Restore(Stream source)
    {
        var oracle = new RevisionOracle();
        if (source.Position == source.Length) return oracle;
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadUInt32() != Magic) throw new InvalidDataException("Not a GrainKv revision oracle snapshot.");
        var formatVersion = reader.Read7BitEncodedInt();
        if (formatVersion != FormatVersion) throw new InvalidDataException($"Unsupported revision oracle snapshot format {formatVersion}.");
        oracle.Allocated = reader.ReadInt64();
        return oracle;
    }
}
