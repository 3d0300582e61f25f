using System.Security.Cryptography;
using GrainKv.Mvcc;

namespace GrainKv.Gateway.Snapshots;

/// <summary>
/// A file <c>etcdctl snapshot save</c> wrote from GrainKv's <see cref="SnapshotStream"/>, read back and checked:
/// the payload (a <see cref="MemberSnapshotHeader"/> and the shard states it lists, in its order), zero-padded to a
/// multiple of <see cref="SnapshotStream.PaddingUnitBytes"/>, then the SHA-256 of everything before it.
/// </summary>
public sealed record MemberSnapshotFile(MemberSnapshotHeader Header, IReadOnlyList<ReadOnlyMemory<byte>> States)
{
    /// <summary>The header and the states, without the padding and the hash.</summary>
    public long PayloadBytes => Header.EncodedBytes + States.Sum(state => (long)state.Length);

    /// <summary>The <see cref="MemberHash"/> the member answered Maintenance.Hash with when it wrote these states.</summary>
    public uint MemberHash => Snapshots.MemberHash.Of(Header.Shards.Zip(States, (shard, state) => (shard.ShardId, Crc32Of(state))));

    /// <summary>
    /// The header and states of <paramref name="file"/>; throws <see cref="InvalidDataException"/>, saying what is
    /// wrong, for a file that is truncated, corrupt (its SHA-256 does not match, unless <paramref name="checkHash"/> is
    /// false) or not a GrainKv member snapshot.
    /// </summary>
    public static MemberSnapshotFile Parse(ReadOnlyMemory<byte> file, bool checkHash = true)
    {
        var paddedBytes = file.Length - SHA256.HashSizeInBytes;
        if (paddedBytes < 0 || paddedBytes % SnapshotStream.PaddingUnitBytes != 0)
        {
            throw new InvalidDataException(
                $"The file holds {file.Length} bytes, not a multiple of {SnapshotStream.PaddingUnitBytes} plus the {SHA256.HashSizeInBytes}-byte SHA-256: it is truncated or not a snapshot.");
        }
        var padded = file[..paddedBytes];
        if (checkHash && !SHA256.HashData(padded.Span).AsSpan().SequenceEqual(file.Span[paddedBytes..]))
        {
            throw new InvalidDataException("The SHA-256 at the end of the file does not match its contents: the file is corrupt.");
        }
        var header = MemberSnapshotHeader.Decode(padded.Span);
        var states = new ReadOnlyMemory<byte>[header.Shards.Count];
        long at = header.EncodedBytes;
        for (var i = 0; i < states.Length; i++)
        {
            var stateBytes = header.Shards[i].StateBytes;
            if (stateBytes > (ulong)(paddedBytes - at))
            {
                throw new InvalidDataException($"The file ends inside the state of shard {header.Shards[i].ShardId}.");
            }
            states[i] = padded.Slice((int)at, (int)stateBytes);
            at += (long)stateBytes;
        }
        var padding = padded.Span[(int)at..];
        if (padding.Length >= SnapshotStream.PaddingUnitBytes || padding.ContainsAnyExcept((byte)0))
        {
            throw new InvalidDataException($"The file holds {padding.Length} bytes after its last shard state that are not the zero padding.");
        }
        return new MemberSnapshotFile(header, states);
    }

    private static uint Crc32Of(ReadOnlyMemory<byte> state)
    {
        using var crc = new Crc32Stream();
        crc.Write(state.Span);
        return crc.Value;
    }
}
