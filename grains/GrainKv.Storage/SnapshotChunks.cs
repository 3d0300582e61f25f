using Google.Protobuf;
using GrainKv.Raft;

namespace GrainKv.Storage;

/// <summary>How the SQL stores cut a staged snapshot's data into chunks and put it back together.</summary>
internal static class SnapshotChunks
{
    /// <summary>1 MiB: a chunk's transaction holds the store for a few milliseconds of writing and one sync.</summary>
    public const int Size = 1 << 20;

    public static int Count(ByteString data) => (data.Length + Size - 1) / Size;

    public static ReadOnlyMemory<byte> Chunk(ByteString data, int seq) =>
        data.Memory.Slice(seq * Size, Math.Min(Size, data.Length - seq * Size));

    /// <summary>Adopting a snapshot whose chunks are not all in the store would store a snapshot that cannot be loaded.</summary>
    public static void EnsureAllStaged(ulong groupId, ulong generation, StagedSnapshot staged, long storedChunks)
    {
        if (storedChunks != staged.Chunks)
        {
            throw new StagedSnapshotMissingException(groupId, generation, staged.Metadata.Index, storedChunks, staged.Chunks);
        }
    }

    /// <summary>What the snapshot row holds for an adopted snapshot: the metadata, its data being in the chunks.</summary>
    public static byte[] Row(StagedSnapshot staged) => new Snapshot { Metadata = staged.Metadata }.ToByteArray();

    /// <summary>The snapshot of <paramref name="row"/> with its data put back together from <paramref name="chunks"/>.</summary>
    public static Snapshot Assemble(byte[] row, int expectedChunks, IReadOnlyList<byte[]> chunks)
    {
        var snapshot = Snapshot.Parser.ParseFrom(row);
        if (chunks.Count != expectedChunks)
        {
            throw new InvalidDataException(
                $"The snapshot at index {snapshot.Metadata.Index} has {chunks.Count} of its {expectedChunks} chunks in the store.");
        }
        var data = new byte[chunks.Sum(chunk => chunk.Length)];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(data, offset);
            offset += chunk.Length;
        }
        // The array is fresh and never written again.
        snapshot.Data = UnsafeByteOperations.UnsafeWrap(data);
        return snapshot;
    }
}
