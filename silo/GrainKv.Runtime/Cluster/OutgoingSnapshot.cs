using Google.Protobuf;
using GrainKv.Raft;
using GrainKv.Silo.Protocol;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// An INSTALL_SNAPSHOT message on its way to a peer in chunks, and the messages of its group queued after it:
/// those wait for its last chunk, so that one group's messages arrive in the order they were sent. A newer
/// snapshot of the group waits too rather than replace it: Raft resends a snapshot that takes long, and a transfer
/// restarted at each resend might never end. Chunks are slices of the message's snapshot data, not copies.
/// </summary>
internal sealed class OutgoingSnapshot
{
    private readonly Message _message;
    private readonly ReadOnlyMemory<byte> _data;
    private readonly int _chunkBytes;
    private int _offset;

    public OutgoingSnapshot(RaftEnvelope envelope, int chunkBytes)
    {
        GroupId = envelope.GroupId;
        _message = envelope.Message;
        _data = envelope.Message.Snapshot.Data.Memory;
        _chunkBytes = chunkBytes;
    }

    public ulong GroupId { get; }

    public bool IsSent => _offset == _data.Length;

    /// <summary>The group's messages that go after the last chunk.</summary>
    public List<RaftEnvelope> Held { get; } = [];

    public static bool NeedsChunks(RaftEnvelope envelope, int chunkBytes) =>
        envelope.Message is { Type: MessageType.InstallSnapshot, Snapshot: { } snapshot } && snapshot.Data.Length > chunkBytes;

    public RaftEnvelope NextChunk()
    {
        var length = Math.Min(_chunkBytes, _data.Length - _offset);
        var chunk = new SnapshotChunk
        {
            Offset = (ulong)_offset,
            Data = UnsafeByteOperations.UnsafeWrap(_data.Slice(_offset, length)),
        };
        if (_offset == 0)
        {
            // The raft core shares its snapshot between messages: the header is a copy, which shares the data.
            chunk.Message = _message.Clone();
            chunk.Message.Snapshot.Data = ByteString.Empty;
            chunk.DataBytes = (ulong)_data.Length;
        }
        _offset += length;
        return new RaftEnvelope { GroupId = GroupId, SnapshotChunk = chunk };
    }
}
