using Google.Protobuf;
using GrainKv.Raft;
using GrainKv.Silo.Protocol;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// Puts back together the INSTALL_SNAPSHOT messages that arrive in chunks on one peer's Raft stream: at most one
/// partial snapshot per group. A first chunk starts a snapshot, replacing a partial older one of the group; a chunk
/// that does not continue its group's partial snapshot exactly where it stopped (one missing, out of order, too
/// long) discards it, as does a chunk for a group with none. Raft resends a snapshot that the follower still needs.
/// </summary>
/// <remarks>
/// A snapshot's buffer is allocated whole when its first chunk arrives and counted until it completes or is
/// discarded. Starting one that would take the total past <paramref name="bufferedBytesMax"/> first discards the
/// partial snapshots that least recently received a chunk (those a sender abandoned); one larger than the bound
/// alone is refused.
/// </remarks>
internal sealed class SnapshotReassembly(long bufferedBytesMax)
{
    private readonly Dictionary<ulong, Partial> _partials = [];
    private long _chunksSeen;

    /// <summary>Bytes allocated for partial snapshots.</summary>
    public long BufferedBytes { get; private set; }

    /// <summary>Partial snapshots discarded or refused so far.</summary>
    public long Discarded { get; private set; }

    public int PartialCount => _partials.Count;

    /// <summary>Returns the whole message when <paramref name="chunk"/> completes it, otherwise null.</summary>
    public Message? Add(ulong groupId, SnapshotChunk chunk)
    {
        _chunksSeen++;
        if (chunk.Message is not null)
        {
            if (Remove(groupId)) Discarded++;
            if (!TryStart(groupId, chunk)) return null;
        }
        if (!_partials.TryGetValue(groupId, out var partial)) return null;

        if (chunk.Offset != (ulong)partial.Received || chunk.Data.Length > partial.Data.Length - partial.Received)
        {
            Remove(groupId);
            Discarded++;
            return null;
        }
        chunk.Data.Span.CopyTo(partial.Data.AsSpan(partial.Received));
        partial.Received += chunk.Data.Length;
        partial.LastChunk = _chunksSeen;
        if (partial.Received < partial.Data.Length) return null;

        Remove(groupId);
        partial.Message.Snapshot.Data = UnsafeByteOperations.UnsafeWrap(partial.Data);
        return partial.Message;
    }

    private bool TryStart(ulong groupId, SnapshotChunk chunk)
    {
        if (chunk.Message.Snapshot is null || chunk.DataBytes > (ulong)Math.Min(bufferedBytesMax, Array.MaxLength))
        {
            Discarded++;
            return false;
        }
        var dataBytes = (long)chunk.DataBytes;
        while (BufferedBytes + dataBytes > bufferedBytesMax)
        {
            Remove(_partials.MinBy(p => p.Value.LastChunk).Key);
            Discarded++;
        }
        _partials.Add(groupId, new Partial(chunk.Message, new byte[dataBytes]));
        BufferedBytes += dataBytes;
        return true;
    }

    private bool Remove(ulong groupId)
    {
        if (!_partials.Remove(groupId, out var partial)) return false;
        BufferedBytes -= partial.Data.Length;
        return true;
    }

    private sealed class Partial(Message message, byte[] data)
    {
        public Message Message { get; } = message;

        public byte[] Data { get; } = data;

        public int Received { get; set; }

        public long LastChunk { get; set; }
    }
}
