using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// One length-prefixed gRPC message: a flag byte (1 = compressed), a 4-byte big-endian length, then the
/// message bytes. Frames and HTTP/2 DATA frames are independent, so a frame may span buffer segments.
/// </summary>
public readonly struct GrpcFrame
{
    public const int HeaderBytes = 5;

    /// <summary>Messages up to this size are serialized into one contiguous span; larger ones stream into the writer.</summary>
    private const int ContiguousWriteBytesMax = 64 * 1024;

    public GrpcFrame(byte flag, ReadOnlySequence<byte> message)
    {
        Flag = flag;
        Message = message;
    }

    /// <summary>0 for an uncompressed message; anything else is rejected by the receiver.</summary>
    public byte Flag { get; }

    /// <summary>The message bytes, a slice of the buffer it was read from: valid until that buffer is advanced past.</summary>
    public ReadOnlySequence<byte> Message { get; }

    /// <summary>
    /// Reads one frame from the start of <paramref name="buffer"/> and slices the buffer past it; false, with the
    /// buffer unchanged, while the frame is incomplete. A declared length over <paramref name="maxMessageBytes"/>
    /// throws ResourceExhausted as soon as the header is in, before any of the body is buffered.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxMessageBytes, out GrpcFrame frame)
    {
        frame = default;
        if (buffer.Length < HeaderBytes)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        buffer.Slice(0, HeaderBytes).CopyTo(header);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxMessageBytes)
        {
            GrpcErrors.ThrowMessageTooLarge(length, maxMessageBytes);
        }

        long frameBytes = HeaderBytes + (long)length;
        if (buffer.Length < frameBytes)
        {
            return false;
        }

        frame = new GrpcFrame(header[0], buffer.Slice(HeaderBytes, length));
        buffer = buffer.Slice(frameBytes);
        return true;
    }

    public static void WriteHeader(Span<byte> destination, byte flag, int length)
    {
        destination[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>Serializes <paramref name="message"/> as one uncompressed frame straight into the writer's memory.</summary>
    public static void Write(IBufferWriter<byte> writer, IMessage message)
    {
        int length = message.CalculateSize();
        if (length <= ContiguousWriteBytesMax)
        {
            Span<byte> span = writer.GetSpan(HeaderBytes + length);
            WriteHeader(span, 0, length);
            message.WriteTo(span.Slice(HeaderBytes, length));
            writer.Advance(HeaderBytes + length);
            return;
        }

        WriteHeader(writer.GetSpan(HeaderBytes), 0, length);
        writer.Advance(HeaderBytes);
        message.WriteTo(writer);
    }

    /// <summary>Writes arbitrary bytes as one frame with the given flag (tests send malformed input with it).</summary>
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> message, byte flag = 0)
    {
        WriteHeader(writer.GetSpan(HeaderBytes), flag, message.Length);
        writer.Advance(HeaderBytes);
        writer.Write(message);
    }
}
