using System.Buffers.Binary;
using GrainKv.Gateway.Snapshots;

namespace GrainKv.Grains.Tests.Snapshots;

public sealed class MemberSnapshotHeaderTests
{
    private static readonly MemberSnapshotHeader TwoShards = new(0x5ae5_ecb4_5349_f640, 42,
        [new ShardStateHeader(1, 17, 42, 1000), new ShardStateHeader(2, 9, 40, 7)]);

    [Fact]
    public void Decode_OfEncode_GivesTheSameHeader()
    {
        var decoded = MemberSnapshotHeader.Decode(TwoShards.Encode());

        Assert.Equal(TwoShards.MemberId, decoded.MemberId);
        Assert.Equal(TwoShards.Revision, decoded.Revision);
        Assert.Equal(TwoShards.Shards, decoded.Shards);
    }

    /// <summary>The layout README documents, byte by byte, so a reader in another language can rely on it.</summary>
    [Fact]
    public void Encode_WritesTheDocumentedLayout()
    {
        var bytes = TwoShards.Encode();

        Assert.Equal(28 + 2 * 32, bytes.Length);
        Assert.Equal("GKSN"u8.ToArray(), bytes[..4]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(0x5ae5_ecb4_5349_f640UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(42L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(2UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(28 + 32)));
        Assert.Equal(7UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(28 + 32 + 24)));
    }

    [Fact]
    public void Decode_WithStateAfterTheHeader_ReadsOnlyTheHeader()
    {
        var snapshot = TwoShards.Encode().Concat(new byte[1007]).ToArray();

        Assert.Equal(TwoShards.Shards, MemberSnapshotHeader.Decode(snapshot).Shards);
    }

    [Theory]
    [InlineData("bbolt magic", 0, "Not a GrainKv member snapshot.")]
    [InlineData("version 2", 4, "Unsupported GrainKv member snapshot format 2.")]
    [InlineData("truncated shards", 28 + 32 + 31, "The GrainKv member snapshot ends inside the headers of its 2 shards.")]
    [InlineData("shorter than the fixed part", 27, "Not a GrainKv member snapshot.")]
    public void Decode_NotAWholeHeader_Throws(string what, int at, string message)
    {
        var bytes = TwoShards.Encode();
        bytes = what switch
        {
            "bbolt magic" => [0xed, 0xda, 0x0c, 0xed, .. bytes[4..]],
            "version 2" => [.. bytes[..at], 2, 0, 0, 0, .. bytes[(at + 4)..]],
            _ => bytes[..at],
        };

        var error = Assert.Throws<InvalidDataException>(() => MemberSnapshotHeader.Decode(bytes));
        Assert.Equal(message, error.Message);
    }
}
