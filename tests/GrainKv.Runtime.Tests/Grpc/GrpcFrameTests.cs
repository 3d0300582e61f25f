using System.Buffers;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;

namespace GrainKv.Runtime.Tests.Grpc;

public sealed class GrpcFrameTests
{
    public static TheoryData<string, byte[], bool, int, int> Buffers => new()
    {
        // name, buffer, expect a frame, message length, bytes left after it
        { "empty", [], false, 0, 0 },
        { "partial header", [0, 0, 0], false, 0, 0 },
        { "header only", [0, 0, 0, 0, 3], false, 0, 0 },
        { "partial body", [0, 0, 0, 0, 3, 1, 2], false, 0, 0 },
        { "empty message", [0, 0, 0, 0, 0], true, 0, 0 },
        { "exact frame", [0, 0, 0, 0, 3, 1, 2, 3], true, 3, 0 },
        { "frame then partial", [0, 0, 0, 0, 1, 9, 0, 0], true, 1, 2 },
        { "two frames", [0, 0, 0, 0, 1, 9, 0, 0, 0, 0, 2, 7, 7], true, 1, 7 },
    };

    [Theory, MemberData(nameof(Buffers))]
    public void TryReadFrame_Buffer_ReadsOnlyCompleteFrames(string name, byte[] bytes, bool expectFrame, int messageLength, int bytesLeft)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);

        bool read = GrpcFrame.TryReadFrame(ref buffer, 1024, out var frame);

        Assert.True(expectFrame == read, name);
        Assert.Equal(expectFrame ? messageLength : 0, frame.Message.Length);
        Assert.Equal(expectFrame ? bytesLeft : bytes.Length, buffer.Length);
    }

    [Fact]
    public void TryReadFrame_SeveralFramesInOneBuffer_ReadsThemInOrder()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 0, 1, 0xA, 1, 0, 0, 0, 2, 0xB, 0xC, 0, 0, 0, 0, 0]);
        var messages = new List<byte[]>();
        var flags = new List<byte>();

        while (GrpcFrame.TryReadFrame(ref buffer, 1024, out var frame))
        {
            messages.Add(frame.Message.ToArray());
            flags.Add(frame.Flag);
        }

        Assert.Equal([[0xA], [0xB, 0xC], []], messages);
        Assert.Equal([0, 1, 0], flags);
        Assert.True(buffer.IsEmpty);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void TryReadFrame_FrameAcrossSegments_ReadsWholeMessage(int splitAt)
    {
        byte[] bytes = [0, 0, 0, 0, 4, 1, 2, 3, 4];
        var buffer = TwoSegments(bytes, splitAt);

        Assert.True(GrpcFrame.TryReadFrame(ref buffer, 1024, out var frame));

        Assert.Equal(new byte[] { 1, 2, 3, 4 }, frame.Message.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Theory]
    [InlineData(1025u, "grpc: received message larger than max (1025 vs. 1024)")]
    [InlineData(uint.MaxValue, "grpc: received message larger than max (4294967295 vs. 1024)")]
    public void TryReadFrame_DeclaredLengthOverLimit_ThrowsResourceExhaustedBeforeBody(uint length, string expected)
    {
        byte[] header = new byte[GrpcFrame.HeaderBytes];
        header[1] = (byte)(length >> 24);
        header[2] = (byte)(length >> 16);
        header[3] = (byte)(length >> 8);
        header[4] = (byte)length;

        var error = Assert.Throws<RpcException>(() =>
        {
            var buffer = new ReadOnlySequence<byte>(header);
            GrpcFrame.TryReadFrame(ref buffer, 1024, out _);
        });

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void TryReadFrame_LengthAtLimit_Accepted()
    {
        byte[] bytes = new byte[GrpcFrame.HeaderBytes + 16];
        bytes[4] = 16;
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(GrpcFrame.TryReadFrame(ref buffer, 16, out var frame));
        Assert.Equal(16, frame.Message.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(200_000)]
    public void Write_Message_RoundTripsThroughTryReadFrame(int valueBytes)
    {
        var message = new PutRequest { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFrom(new byte[valueBytes]) };
        var writer = new ArrayBufferWriter<byte>();

        GrpcFrame.Write(writer, message);
        var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);
        Assert.True(GrpcFrame.TryReadFrame(ref buffer, int.MaxValue, out var frame));

        Assert.Equal(0, frame.Flag);
        Assert.Equal(message, PutRequest.Parser.ParseFrom(frame.Message));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Write_RawBytesWithFlag_WritesHeaderThenBytes()
    {
        var writer = new ArrayBufferWriter<byte>();

        GrpcFrame.Write(writer, [7, 8], flag: 1);

        Assert.Equal(new byte[] { 1, 0, 0, 0, 2, 7, 8 }, writer.WrittenSpan.ToArray());
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int splitAt)
    {
        var first = new Segment(bytes.AsMemory(0, splitAt));
        var last = first.Append(bytes.AsMemory(splitAt));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
