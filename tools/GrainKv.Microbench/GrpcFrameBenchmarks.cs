using System.Buffers;
using BenchmarkDotNet.Attributes;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;

namespace GrainKv.Microbench;

/// <summary>gRPC length-prefixed framing: parsing frames out of a request buffer and writing a response frame.</summary>
[MemoryDiagnoser]
[ShortInProcessJob]
public class GrpcFrameBenchmarks
{
    private const int SmallFrameCount = 64;
    private const int MaxMessageBytes = 4 * 1024 * 1024;

    private readonly ArrayBufferWriter<byte> _writer = new(64 * 1024);
    private PutRequest _put = null!;
    private ReadOnlySequence<byte> _smallFrames;
    private ReadOnlySequence<byte> _splitFrame;

    [GlobalSetup]
    public void Setup()
    {
        _put = new PutRequest
        {
            Key = ByteString.CopyFromUtf8("/registry/pods/default/web-0"),
            Value = ByteString.CopyFrom(new byte[64]),
            Lease = 7587869523658211330,
        };

        var frames = new ArrayBufferWriter<byte>();
        for (var i = 0; i < SmallFrameCount; i++)
        {
            GrpcFrame.Write(frames, _put);
        }
        _smallFrames = new ReadOnlySequence<byte>(frames.WrittenMemory);

        // One 1 KiB message in three segments: the header itself straddles the first boundary.
        var large = new ArrayBufferWriter<byte>();
        GrpcFrame.Write(large, new PutRequest { Key = ByteString.CopyFromUtf8("split"), Value = ByteString.CopyFrom(new byte[1024]) });
        var bytes = large.WrittenSpan.ToArray();
        _splitFrame = SegmentedSequence.Of(bytes[..3], bytes[3..512], bytes[512..]);
    }

    /// <summary>All 64 frames of one buffer, as a streaming request delivers them; the result is the bytes parsed.</summary>
    [Benchmark(OperationsPerInvoke = SmallFrameCount)]
    public long TryReadFrame_SmallFramesInOneSegment()
    {
        var buffer = _smallFrames;
        long messageBytes = 0;
        while (GrpcFrame.TryReadFrame(ref buffer, MaxMessageBytes, out var frame))
        {
            messageBytes += frame.Message.Length;
        }
        return messageBytes;
    }

    [Benchmark]
    public long TryReadFrame_OneFrameAcrossThreeSegments()
    {
        var buffer = _splitFrame;
        GrpcFrame.TryReadFrame(ref buffer, MaxMessageBytes, out var frame);
        return frame.Message.Length;
    }

    [Benchmark]
    public int Write_PutRequest()
    {
        _writer.ResetWrittenCount();
        GrpcFrame.Write(_writer, _put);
        return _writer.WrittenCount;
    }
}
