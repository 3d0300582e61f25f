using System.Buffers;

namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// One header block as it arrives: a HEADERS frame, then CONTINUATION frames of the same stream up to END_HEADERS
/// (RFC 9113 §4.3, §6.2, §6.10). Kept both as the frames came, to forward unchanged, and as the header block fragment
/// they carry, to decode. Reused block after block.
/// </summary>
internal sealed class Http2HeaderBlock
{
    private const int PriorityBytes = 5;

    private readonly ArrayBufferWriter<byte> _frames = new();
    private readonly ArrayBufferWriter<byte> _fragment = new();
    private readonly byte[] _priority = new byte[PriorityBytes];
    private Http2FrameHeader _headers;

    /// <summary>A HEADERS frame has come; the block is complete once <see cref="IsComplete"/>.</summary>
    public bool HasStarted => _frames.WrittenCount > 0;

    public bool IsComplete { get; private set; }

    /// <summary>The block's frames as they came.</summary>
    public ReadOnlySpan<byte> Frames => _frames.WrittenSpan;

    /// <summary>The header block fragment: the frames' payloads without padding and priority fields.</summary>
    public ReadOnlySpan<byte> Fragment => _fragment.WrittenSpan;

    /// <summary>
    /// Adds a whole frame, header included: the HEADERS frame that starts the block, or a frame that should continue
    /// it. False if it cannot: a frame other than a CONTINUATION of the block's stream, or padding or priority fields
    /// longer than the payload (connection errors the server reports itself, given the frames).
    /// </summary>
    public bool TryAdd(Http2FrameHeader header, in ReadOnlySequence<byte> frame)
    {
        bool starts = !HasStarted;
        _frames.Write(frame);
        ReadOnlySequence<byte> payload = frame.Slice(Http2FrameHeader.Bytes);
        if (starts)
        {
            _headers = header;
            if (!TrySkipPaddingAndPriority(header, ref payload))
            {
                return false;
            }
        }
        else if (header.Type != Http2FrameType.Continuation || header.StreamId != _headers.StreamId)
        {
            return false;
        }

        _fragment.Write(payload);
        IsComplete = header.HasFlag(Http2FrameFlags.EndHeaders);
        return true;
    }

    /// <summary>
    /// Writes this block with <paramref name="fragment"/> in place of its own: the same stream, END_STREAM and priority,
    /// no padding, in as many frames as the smallest frame size limit a server may have needs.
    /// </summary>
    public void WriteWithFragment(ReadOnlySpan<byte> fragment, IBufferWriter<byte> output)
    {
        bool hasPriority = _headers.HasFlag(Http2FrameFlags.Priority);
        Http2FrameType type = Http2FrameType.Headers;
        Http2FrameFlags flags = _headers.Flags & (Http2FrameFlags.EndStream | Http2FrameFlags.Priority);
        do
        {
            int prefixBytes = hasPriority ? PriorityBytes : 0;
            int chunkBytes = Math.Min(fragment.Length, Http2FrameHeader.DefaultPayloadBytesMax - prefixBytes);
            if (chunkBytes == fragment.Length)
            {
                flags |= Http2FrameFlags.EndHeaders;
            }

            var header = new Http2FrameHeader(prefixBytes + chunkBytes, type, flags, _headers.StreamId);
            Span<byte> span = output.GetSpan(header.FrameBytes);
            header.Write(span);
            if (hasPriority)
            {
                _priority.CopyTo(span[Http2FrameHeader.Bytes..]);
            }

            fragment[..chunkBytes].CopyTo(span[(Http2FrameHeader.Bytes + prefixBytes)..]);
            output.Advance(header.FrameBytes);
            fragment = fragment[chunkBytes..];
            type = Http2FrameType.Continuation;
            flags = Http2FrameFlags.None;
            hasPriority = false;
        }
        while (!fragment.IsEmpty);
    }

    public void Clear()
    {
        _frames.ResetWrittenCount();
        _fragment.ResetWrittenCount();
        IsComplete = false;
    }

    /// <summary>A HEADERS payload is [pad length] [stream dependency, weight] fragment [padding] (RFC 9113 §6.2).</summary>
    private bool TrySkipPaddingAndPriority(Http2FrameHeader header, ref ReadOnlySequence<byte> payload)
    {
        int padLength = 0;
        if (header.HasFlag(Http2FrameFlags.Padded))
        {
            if (payload.IsEmpty)
            {
                return false;
            }

            padLength = payload.FirstSpan[0];
            payload = payload.Slice(1);
        }

        if (header.HasFlag(Http2FrameFlags.Priority))
        {
            if (payload.Length < PriorityBytes)
            {
                return false;
            }

            payload.Slice(0, PriorityBytes).CopyTo(_priority);
            payload = payload.Slice(PriorityBytes);
        }

        if (padLength > payload.Length)
        {
            return false;
        }

        payload = payload.Slice(0, payload.Length - padLength);
        return true;
    }
}
