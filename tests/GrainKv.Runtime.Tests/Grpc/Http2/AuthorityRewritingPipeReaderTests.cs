using System.Buffers;
using System.IO.Pipelines;
using GrainKv.Runtime.Grpc.Http2;
using GrainKv.Testing.Http2;

namespace GrainKv.Runtime.Tests.Grpc.Http2;

/// <summary>The pipe shell over a real <see cref="Pipe"/>, read the way Kestrel's HTTP/2 connection reads its transport.</summary>
public sealed class AuthorityRewritingPipeReaderTests
{
    private const int TableBytes = 4096;
    private const int BlockBytesMax = 64 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly Pipe _transport = new();

    [Fact]
    public async Task ReadAsync_UrlAuthorityConnectionInPieces_GivesTheRewrittenBytes()
    {
        byte[] input = CapturedConnection.EtcdctlStatusCall;
        PipeReader reader = NewReader();

        Task writing = WriteInPiecesAsync(input, pieceBytes: 13);
        byte[] read = await ReadToEndAsync(reader);
        await writing;

        Assert.Equal(Http2AuthorityRewriterTests.RewriteAll(NewRewriter(), input), read);
    }

    [Fact]
    public async Task ReadAsync_AfterAFirstBlockNeedingNothing_ServesTheTransportsOwnBuffers()
    {
        byte[] block = new HpackBlockBuilder().Indexed(3).Indexed(6).LiteralWithIndexing(1, "127.0.0.1:2379").ToArray();
        byte[] start = Http2Wire.Connection(Http2Wire.HeadersFrame(1, block));
        byte[] data = Http2Wire.Frame(Http2Wire.Data, Http2FrameFlags.EndStream, 1, [0, 0, 0, 0, 0]);
        PipeReader reader = NewReader();
        await _transport.Writer.WriteAsync(start);

        ReadResult first = await reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(start, first.Buffer.ToArray());
        reader.AdvanceTo(first.Buffer.End);
        await _transport.Writer.WriteAsync(data);
        ReadResult next = await reader.ReadAsync().AsTask().WaitAsync(Bound);

        Assert.Equal(data, next.Buffer.ToArray());
        // The first block came through the rewriter's buffer, one array; the rest comes in the transport pipe's own segments, uncopied.
        Assert.IsType<byte[]>(first.Buffer.Start.GetObject());
        Assert.IsAssignableFrom<ReadOnlySequenceSegment<byte>>(next.Buffer.Start.GetObject());
        reader.AdvanceTo(next.Buffer.End);
    }

    [Fact]
    public async Task ReadAsync_ConsumerExaminedAllButAnIncompleteFrame_WaitsForTheRestOfIt()
    {
        byte[] settings = Http2Wire.Frame(Http2Wire.Settings, Http2FrameFlags.None, 0, [0, 4, 0, 0, 0x10, 0]);
        PipeReader reader = NewReader();
        await _transport.Writer.WriteAsync(Http2Wire.Connection(settings[..12]));
        ReadResult first = await reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(Http2Wire.Preface.Length + 12, first.Buffer.Length);
        reader.AdvanceTo(first.Buffer.GetPosition(Http2Wire.Preface.Length), first.Buffer.End);

        ValueTask<ReadResult> waiting = reader.ReadAsync();
        Assert.False(waiting.IsCompleted);
        await _transport.Writer.WriteAsync(settings[12..]);
        ReadResult rest = await waiting.AsTask().WaitAsync(Bound);

        Assert.Equal(settings, rest.Buffer.ToArray());
    }

    [Fact]
    public async Task ReadAsync_TransportEndsInsideAHeaderBlock_ReturnsTheBytesAsTheyCameAndCompletes()
    {
        byte[] headers = Http2Wire.HeadersFrame(1, new HpackBlockBuilder().LiteralWithIndexing(1, "http://h:1").ToArray());
        byte[] input = Http2Wire.Connection(headers[..^2]);
        PipeReader reader = NewReader();

        Task writing = WriteInPiecesAsync(input, pieceBytes: input.Length);
        byte[] read = await ReadToEndAsync(reader);
        await writing;

        Assert.Equal(input, read);
    }

    [Fact]
    public async Task CancelPendingRead_WhileTheReadWaitsForTheTransport_ReturnsItCancelled()
    {
        PipeReader reader = NewReader();
        ValueTask<ReadResult> waiting = reader.ReadAsync();

        reader.CancelPendingRead();
        ReadResult cancelled = await waiting.AsTask().WaitAsync(Bound);

        Assert.True(cancelled.IsCanceled);
        reader.AdvanceTo(cancelled.Buffer.End);
        await _transport.Writer.WriteAsync(Http2Wire.Preface);
        ReadResult next = await reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.False(next.IsCanceled);
        Assert.Equal(Http2Wire.Preface, next.Buffer.ToArray());
    }

    [Fact]
    public async Task TryRead_BytesWaitingInTheTransport_ReturnsThemRewritten()
    {
        PipeReader reader = NewReader();
        Assert.False(reader.TryRead(out _));
        await _transport.Writer.WriteAsync(CapturedConnection.EtcdctlStatusCall);

        Assert.True(reader.TryRead(out ReadResult result));

        Assert.Equal(Http2AuthorityRewriterTests.RewriteAll(NewRewriter(), CapturedConnection.EtcdctlStatusCall), result.Buffer.ToArray());
    }

    private static Http2AuthorityRewriter NewRewriter() => new(TableBytes, BlockBytesMax);

    private AuthorityRewritingPipeReader NewReader() => new(_transport.Reader, NewRewriter());

    private async Task WriteInPiecesAsync(byte[] input, int pieceBytes)
    {
        for (int offset = 0; offset < input.Length; offset += pieceBytes)
        {
            await _transport.Writer.WriteAsync(input.AsMemory(offset, Math.Min(pieceBytes, input.Length - offset)));
        }

        await _transport.Writer.CompleteAsync();
    }

    /// <summary>Reads like Kestrel's transport copy loop: takes everything each read returns, until the end.</summary>
    private static async Task<byte[]> ReadToEndAsync(PipeReader reader)
    {
        var read = new List<byte>();
        while (true)
        {
            ReadResult result = await reader.ReadAsync().AsTask().WaitAsync(Bound);
            read.AddRange(result.Buffer.ToArray());
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return [.. read];
            }
        }
    }
}
