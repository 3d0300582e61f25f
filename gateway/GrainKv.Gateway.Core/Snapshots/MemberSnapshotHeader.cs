using System.Buffers.Binary;

namespace GrainKv.Gateway.Snapshots;

/// <summary>
/// The header of a GrainKv member snapshot (what <c>etcdctl snapshot save</c> writes from GrainKv): which member,
/// at which revision, and which shard states follow it, in this order, each in the bytes its Raft snapshots hold.
/// Little-endian: magic "GKSN", format version (u32), member id (u64), revision (i64, the highest of its shards),
/// shard count (u32), then per shard its id (u64), applied index (u64), revision (i64) and state length (u64).
/// </summary>
public sealed record MemberSnapshotHeader(ulong MemberId, long Revision, IReadOnlyList<ShardStateHeader> Shards)
{
    public const uint FormatVersion = 1;
    private const int FixedBytes = 28;
    private const int ShardBytes = 32;
    private static ReadOnlySpan<byte> Magic => "GKSN"u8;

    public int EncodedBytes => FixedBytes + ShardBytes * Shards.Count;

    public byte[] Encode()
    {
        var bytes = new byte[EncodedBytes];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], MemberId);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], Revision);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)Shards.Count);
        var at = span[FixedBytes..];
        foreach (var shard in Shards)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(at, shard.ShardId);
            BinaryPrimitives.WriteUInt64LittleEndian(at[8..], shard.AppliedIndex);
            BinaryPrimitives.WriteInt64LittleEndian(at[16..], shard.Revision);
            BinaryPrimitives.WriteUInt64LittleEndian(at[24..], shard.StateBytes);
            at = at[ShardBytes..];
        }
        return bytes;
    }

    /// <summary>The header at the start of <paramref name="snapshot"/>; throws <see cref="InvalidDataException"/> on anything else.</summary>
    public static MemberSnapshotHeader Decode(ReadOnlySpan<byte> snapshot)
    {
        if (snapshot.Length < FixedBytes || !snapshot[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not a GrainKv member snapshot.");
        }
        var version = BinaryPrimitives.ReadUInt32LittleEndian(snapshot[4..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Unsupported GrainKv member snapshot format {version}.");
        }
        var count = BinaryPrimitives.ReadUInt32LittleEndian(snapshot[24..]);
        if (count > (uint)(snapshot.Length - FixedBytes) / ShardBytes)
        {
            throw new InvalidDataException($"The GrainKv member snapshot ends inside the headers of its {count} shards.");
        }
        var shards = new ShardStateHeader[count];
        var at = snapshot[FixedBytes..];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = new ShardStateHeader(
                BinaryPrimitives.ReadUInt64LittleEndian(at),
                BinaryPrimitives.ReadUInt64LittleEndian(at[8..]),
                BinaryPrimitives.ReadInt64LittleEndian(at[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(at[24..]));
            at = at[ShardBytes..];
        }
        return new MemberSnapshotHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(snapshot[8..]), BinaryPrimitives.ReadInt64LittleEndian(snapshot[16..]), shards);
    }
}
