using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using GrainKv.Runtime.Grpc.Http2;

namespace GrainKv.Testing.Http2;

/// <summary>Client-side HTTP/2 bytes for tests: the preface and frames to send, and the frames and header blocks in what came back.</summary>
internal static class Http2Wire
{
    public const byte Data = 0x0;
    public const byte Headers = 0x1;
    public const byte RstStream = 0x3;
    public const byte Settings = 0x4;
    public const byte GoAway = 0x7;
    public const byte Continuation = 0x9;

    /// <summary>The ACK flag of SETTINGS and PING.</summary>
    public const Http2FrameFlags Ack = (Http2FrameFlags)0x1;

    public static byte[] Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    public static byte[] Frame(byte type, Http2FrameFlags flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[Http2FrameHeader.Bytes + payload.Length];
        new Http2FrameHeader(payload.Length, (Http2FrameType)type, flags, streamId).Write(frame);
        payload.CopyTo(frame.AsSpan(Http2FrameHeader.Bytes));
        return frame;
    }

    /// <summary>One HEADERS frame holding a whole block.</summary>
    public static byte[] HeadersFrame(int streamId, byte[] block, bool endStream = false) =>
        Frame(Headers, Http2FrameFlags.EndHeaders | (endStream ? Http2FrameFlags.EndStream : Http2FrameFlags.None), streamId, block);

    /// <summary>A gRPC request message as DATA carries it: a byte saying it is not compressed, its length (big-endian), the message.</summary>
    public static byte[] GrpcMessage(IMessage message)
    {
        byte[] bytes = message.ToByteArray();
        var framed = new byte[GrpcPrefixBytes + bytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), bytes.Length);
        bytes.CopyTo(framed, GrpcPrefixBytes);
        return framed;
    }

    public const int GrpcPrefixBytes = 5;

    public static byte[] Connection(params byte[][] frames) => [.. Preface, .. frames.SelectMany(f => f)];

    /// <summary>The frames of <paramref name="bytes"/>, which start with the client preface when <paramref name="fromClient"/>.</summary>
    public static List<(Http2FrameHeader Header, byte[] Payload)> Frames(byte[] bytes, bool fromClient = true)
    {
        int offset = 0;
        if (fromClient)
        {
            Assert.True(bytes.AsSpan().StartsWith(Preface), "the client preface comes first");
            offset = Preface.Length;
        }

        var frames = new List<(Http2FrameHeader, byte[])>();
        while (offset < bytes.Length)
        {
            Http2FrameHeader header = Http2FrameHeader.Read(new ReadOnlySequence<byte>(bytes, offset, bytes.Length - offset));
            frames.Add((header, bytes.AsSpan(offset + Http2FrameHeader.Bytes, header.PayloadLength).ToArray()));
            offset += header.FrameBytes;
        }

        return frames;
    }

    /// <summary>The header blocks among <paramref name="frames"/>, each with the frames that carried it (padding and priority stripped).</summary>
    public static List<(int StreamId, byte[] Fragment, List<Http2FrameHeader> Frames)> HeaderBlocks(IEnumerable<(Http2FrameHeader Header, byte[] Payload)> frames)
    {
        var blocks = new List<(int, byte[], List<Http2FrameHeader>)>();
        var block = new Http2HeaderBlock();
        var carriers = new List<Http2FrameHeader>();
        foreach ((Http2FrameHeader header, byte[] payload) in frames)
        {
            if (!block.HasStarted && header.Type != Http2FrameType.Headers)
            {
                continue;
            }

            var frame = new byte[header.FrameBytes];
            header.Write(frame);
            payload.CopyTo(frame, Http2FrameHeader.Bytes);
            Assert.True(block.TryAdd(header, new ReadOnlySequence<byte>(frame)), $"frame {header} belongs to its header block");
            carriers.Add(header);
            if (block.IsComplete)
            {
                blocks.Add((carriers[0].StreamId, block.Fragment.ToArray(), carriers));
                block.Clear();
                carriers = [];
            }
        }

        Assert.False(block.HasStarted, "every header block is complete");
        return blocks;
    }

    /// <summary>Decodes blocks in order with one decoder, as one side of a connection does.</summary>
    public static List<List<HpackHeaderField>> Decode(HpackDecoder decoder, IEnumerable<byte[]> fragments) =>
        fragments.Select(fragment =>
        {
            var fields = new List<HpackHeaderField>();
            Assert.True(decoder.TryDecode(fragment, fields), "the block decodes");
            return fields;
        }).ToList();
}
