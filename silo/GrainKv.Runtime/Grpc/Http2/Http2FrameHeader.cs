using System.Buffers;
using System.Buffers.Binary;

namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>The 9 bytes before every HTTP/2 frame's payload: 24-bit length, type, flags, 31-bit stream id (RFC 9113 §4.1).</summary>
internal readonly record struct Http2FrameHeader(int PayloadLength, Http2FrameType Type, Http2FrameFlags Flags, int StreamId)
{
    public const int Bytes = 9;

    /// <summary>
    /// SETTINGS_MAX_FRAME_SIZE's initial value, and the smallest a peer may announce: every HTTP/2 server takes payloads
    /// this large, whatever it has announced or the client has yet to read.
    /// </summary>
    public const int DefaultPayloadBytesMax = 16_384;

    public int FrameBytes => Bytes + PayloadLength;

    public bool HasFlag(Http2FrameFlags flag) => (Flags & flag) != 0;

    /// <summary>Reads the header at the start of <paramref name="source"/>, which holds at least <see cref="Bytes"/> bytes.</summary>
    public static Http2FrameHeader Read(in ReadOnlySequence<byte> source)
    {
        Span<byte> header = stackalloc byte[Bytes];
        source.Slice(0, Bytes).CopyTo(header);
        return new Http2FrameHeader(
            (header[0] << 16) | (header[1] << 8) | header[2],
            (Http2FrameType)header[3],
            (Http2FrameFlags)header[4],
            (int)(BinaryPrimitives.ReadUInt32BigEndian(header[5..]) & 0x7FFF_FFFF));
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)(PayloadLength >> 16);
        destination[1] = (byte)(PayloadLength >> 8);
        destination[2] = (byte)PayloadLength;
        destination[3] = (byte)Type;
        destination[4] = (byte)Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)StreamId);
    }
}
