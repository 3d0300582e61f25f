using System.Security.Cryptography;
using GrainKv.Gateway.Snapshots;
using GrainKv.Mvcc;

namespace GrainKv.Grains.Tests.Snapshots;

public sealed class MemberSnapshotFileTests
{
    private static readonly byte[] FirstState = Bytes(700, seed: 1);
    private static readonly byte[] SecondState = Bytes(40, seed: 2);

    private static readonly MemberSnapshotHeader Header = new(0xabcd, 42,
    [
        new ShardStateHeader(1, 17, 42, (ulong)FirstState.Length),
        new ShardStateHeader(2, 9, 30, (ulong)SecondState.Length),
    ]);

    [Fact]
    public void Parse_FileAsSaved_ReturnsTheHeaderAndEachShardsState()
    {
        var parsed = MemberSnapshotFile.Parse(FileOf(Header, FirstState, SecondState));

        Assert.Equal(Header.MemberId, parsed.Header.MemberId);
        Assert.Equal(Header.Revision, parsed.Header.Revision);
        Assert.Equal(Header.Shards, parsed.Header.Shards);
        Assert.Equal([FirstState, SecondState], parsed.States.Select(state => state.ToArray()));
        Assert.Equal(Header.EncodedBytes + FirstState.Length + SecondState.Length, parsed.PayloadBytes);
    }

    /// <summary>The hash status prints is the one Maintenance.Hash answers: CRC-32 of each state under MemberHash.</summary>
    [Fact]
    public void MemberHash_IsMaintenanceHashOfTheStates()
    {
        var parsed = MemberSnapshotFile.Parse(FileOf(Header, FirstState, SecondState));

        Assert.Equal(MemberHash.Of([(1UL, Crc32Of(FirstState)), (2UL, Crc32Of(SecondState))]), parsed.MemberHash);
    }

    /// <summary>A byte changed in the header, a state, the padding or the SHA-256 itself.</summary>
    [Theory]
    [InlineData(10)]
    [InlineData(200)]
    [InlineData(1_000)]
    [InlineData(-1)]
    public void Parse_OneByteChanged_RefusesAsCorrupt(int offset)
    {
        var file = FileOf(Header, FirstState, SecondState);
        file[offset < 0 ? file.Length + offset : offset] ^= 0x20;

        var refused = Assert.Throws<InvalidDataException>(() => MemberSnapshotFile.Parse(file));

        Assert.Contains("SHA-256", refused.Message);
        Assert.Contains("corrupt", refused.Message);
    }

    /// <summary>Cut to a size the padding allows (512 bytes less), only the SHA-256 tells; cut elsewhere, the size does.</summary>
    [Theory]
    [InlineData(1, "truncated")]
    [InlineData(32, "truncated")]
    [InlineData(512, "corrupt")]
    [InlineData(544, "truncated")]
    [InlineData(1_056, "truncated")]
    public void Parse_Truncated_Refuses(int bytesCut, string reason)
    {
        var file = FileOf(Header, FirstState, SecondState);

        var refused = Assert.Throws<InvalidDataException>(() => MemberSnapshotFile.Parse(file[..^bytesCut]));

        Assert.Contains(reason, refused.Message);
    }

    [Fact]
    public void Parse_NotAMultipleOf512PlusTheHash_RefusesEvenWithoutTheHashCheck()
    {
        Assert.Throws<InvalidDataException>(() => MemberSnapshotFile.Parse(new byte[100], checkHash: false));
    }

    /// <summary>--skip-hash-check: a changed state byte passes, a header that claims more state than the file holds does not.</summary>
    [Fact]
    public void Parse_WithoutHashCheck_StillChecksTheLayout()
    {
        var changedState = FileOf(Header, FirstState, SecondState);
        changedState[Header.EncodedBytes] ^= 1;
        Assert.NotEqual(FirstState[0], MemberSnapshotFile.Parse(changedState, checkHash: false).States[0].Span[0]);

        var overlong = Header with { Shards = [Header.Shards[0], Header.Shards[1] with { StateBytes = 5_000 }] };
        var refused = Assert.Throws<InvalidDataException>(() => MemberSnapshotFile.Parse(FileOf(overlong, FirstState, SecondState), checkHash: false));
        Assert.Contains("ends inside the state of shard 2", refused.Message);
    }

    [Fact]
    public void Parse_PaddingNotZero_Refuses()
    {
        var file = FileOf(Header, FirstState, SecondState);
        var paddingAt = Header.EncodedBytes + FirstState.Length + SecondState.Length;
        file[paddingAt] = 1;
        SHA256.HashData(file.AsSpan(0, file.Length - 32)).CopyTo(file.AsSpan(file.Length - 32));

        var refused = Assert.Throws<InvalidDataException>(() => MemberSnapshotFile.Parse(file));

        Assert.Contains("not the zero padding", refused.Message);
    }

    [Fact]
    public void Parse_NotAMemberSnapshot_Refuses()
    {
        var file = SnapshotStream.Messages([Bytes(100, seed: 3)]).SelectMany(message => message.Blob.ToByteArray()).ToArray();

        var refused = Assert.Throws<InvalidDataException>(() => MemberSnapshotFile.Parse(file));

        Assert.Contains("Not a GrainKv member snapshot", refused.Message);
    }

    /// <summary>The file etcdctl snapshot save writes: the stream's blobs, one after another.</summary>
    private static byte[] FileOf(MemberSnapshotHeader header, params byte[][] states) =>
        SnapshotStream.Messages([header.Encode(), .. states.Select(state => (ReadOnlyMemory<byte>)state)])
            .SelectMany(message => message.Blob.ToByteArray()).ToArray();

    private static uint Crc32Of(byte[] bytes)
    {
        using var crc = new Crc32Stream();
        crc.Write(bytes);
        return crc.Value;
    }

    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
