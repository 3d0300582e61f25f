using System.Security.Cryptography;
using Etcdserverpb;
using Google.Protobuf;

namespace GrainKv.Gateway.Snapshots;

/// <summary>
/// etcd's Maintenance.Snapshot stream: the payload in 32 KiB blobs, each with the bytes still to come after it,
/// then one blob holding the SHA-256 of everything sent. etcdctl snapshot save refuses a file whose size is not
/// 32 more than a multiple of 512 (bbolt files always are), so the payload is padded with zeros to one.
/// </summary>
public static class SnapshotStream
{
    public const int ChunkBytes = 32 * 1024;
    public const int PaddingUnitBytes = 512;

    /// <summary>The messages that send <paramref name="parts"/>, one after another, as one payload.</summary>
    public static IEnumerable<SnapshotResponse> Messages(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        var payloadBytes = parts.Sum(part => (long)part.Length);
        var paddedBytes = (payloadBytes + PaddingUnitBytes - 1) / PaddingUnitBytes * PaddingUnitBytes;
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[ChunkBytes];
        var part = 0;
        var offsetInPart = 0;
        var sentBytes = 0L;
        while (sentBytes < paddedBytes)
        {
            var size = (int)Math.Min(ChunkBytes, paddedBytes - sentBytes);
            var filled = 0;
            while (filled < size && part < parts.Count)
            {
                var take = Math.Min(size - filled, parts[part].Length - offsetInPart);
                parts[part].Span.Slice(offsetInPart, take).CopyTo(chunk.AsSpan(filled));
                filled += take;
                offsetInPart += take;
                if (offsetInPart == parts[part].Length)
                {
                    part++;
                    offsetInPart = 0;
                }
            }
            chunk.AsSpan(filled, size - filled).Clear();
            sha256.AppendData(chunk, 0, size);
            sentBytes += size;
            yield return new SnapshotResponse { RemainingBytes = (ulong)(paddedBytes - sentBytes), Blob = ByteString.CopyFrom(chunk, 0, size) };
        }
        yield return new SnapshotResponse { Blob = ByteString.CopyFrom(sha256.GetHashAndReset()) };
    }
}
