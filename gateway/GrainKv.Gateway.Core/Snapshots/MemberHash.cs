using System.Buffers.Binary;
using GrainKv.Mvcc;

namespace GrainKv.Gateway.Snapshots;

/// <summary>
/// GrainKv's Maintenance.Hash of a member: the CRC-32 (IEEE) over, for each of its shards in shard-map order, the
/// shard id (u64, little-endian) and the CRC-32 of the shard's state as its Raft snapshots write it (u32). Replicas
/// at the same applied index write the same state, so members that applied the same logs agree.
/// </summary>
public static class MemberHash
{
    public static uint Of(IEnumerable<(ulong ShardId, uint StateHash)> shards)
    {
        using var crc = new Crc32Stream();
        Span<byte> entry = stackalloc byte[12];
        foreach (var (shardId, stateHash) in shards)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(entry, shardId);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], stateHash);
            crc.Write(entry);
        }
        return crc.Value;
    }
}
