using System.Security.Cryptography;
using Etcdserverpb;
using GrainKv.Gateway.Snapshots;

namespace GrainKv.Grains.Tests.Snapshots;

public sealed class SnapshotStreamTests
{
    /// <summary>Payload sizes around the padding unit and the chunk size, split into parts at uneven places.</summary>
    [Theory]
    [InlineData(new[] { 1 }, 512)]
    [InlineData(new[] { 28, 483 }, 512)]
    [InlineData(new[] { 28, 484 }, 512)]
    [InlineData(new[] { 28, 485 }, 1024)]
    [InlineData(new[] { 32 * 1024 }, 32 * 1024)]
    [InlineData(new[] { 60, 32 * 1024 - 59 }, 32 * 1024 + 512)]
    [InlineData(new[] { 60, 70_000, 0, 33_000 }, 103_424)]
    public void Messages_AnyPayload_PadsTo512AndChunksAt32KiBThenSendsItsSha256(int[] partSizes, int paddedBytes)
    {
        var parts = partSizes.Select((size, i) => Bytes(size, seed: i)).ToArray();

        var messages = SnapshotStream.Messages(parts.Select(part => (ReadOnlyMemory<byte>)part).ToList()).ToList();

        var chunks = messages[..^1];
        var sent = chunks.SelectMany(message => message.Blob.ToByteArray()).ToArray();
        Assert.Equal(paddedBytes, sent.Length);
        Assert.All(chunks, chunk => Assert.InRange(chunk.Blob.Length, 1, SnapshotStream.ChunkBytes));
        Assert.All(chunks[..^1], chunk => Assert.Equal(SnapshotStream.ChunkBytes, chunk.Blob.Length));
        var sentSoFar = 0L;
        foreach (var chunk in chunks)
        {
            sentSoFar += chunk.Blob.Length;
            Assert.Equal((ulong)(paddedBytes - sentSoFar), chunk.RemainingBytes);
        }
        var payload = parts.SelectMany(part => part).ToArray();
        Assert.Equal(payload, sent[..payload.Length]);
        Assert.All(sent[payload.Length..], padding => Assert.Equal(0, padding));
        Assert.Equal(0UL, messages[^1].RemainingBytes);
        Assert.Equal(SHA256.HashData(sent), messages[^1].Blob.ToByteArray());
    }

    /// <summary>etcdctl snapshot save checks exactly this of the file it wrote from the blobs ("sha256 checksum not found").</summary>
    [Fact]
    public void Messages_WrittenToAFile_SizeIs32MoreThanAMultipleOf512()
    {
        var file = SnapshotStream.Messages([Bytes(40_000, seed: 7)]).SelectMany(message => message.Blob.ToByteArray()).ToArray();

        Assert.Equal(32, file.Length % 512);
        Assert.Equal(SHA256.HashData(file.AsSpan(0, file.Length - 32)), file[^32..]);
    }

    [Fact]
    public void Messages_EmptyPayload_SendsOnlyTheHashOfNothing()
    {
        var messages = SnapshotStream.Messages([]).ToList();

        var trailer = Assert.Single(messages);
        Assert.Equal(SHA256.HashData(ReadOnlySpan<byte>.Empty), trailer.Blob.ToByteArray());
    }

    private static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
