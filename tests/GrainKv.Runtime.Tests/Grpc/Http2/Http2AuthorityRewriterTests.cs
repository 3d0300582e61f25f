using System.Buffers;
using System.Text;
using GrainKv.Runtime.Grpc.Http2;
using GrainKv.Testing.Http2;

namespace GrainKv.Runtime.Tests.Grpc.Http2;

public sealed class Http2AuthorityRewriterTests
{
    private const int TableBytes = 4096;
    private const int BlockBytesMax = 64 * 1024;

    [Fact]
    public void Rewrite_EtcdctlUrlAuthority_BecomesHostAndPortWithEveryOtherByteAndHeaderAsSent()
    {
        byte[] output = RewriteAll(new Http2AuthorityRewriter(TableBytes, BlockBytesMax), CapturedConnection.EtcdctlStatusCall);

        var sent = Http2Wire.Frames(CapturedConnection.EtcdctlStatusCall);
        var forwarded = Http2Wire.Frames(output);
        Assert.Equal(sent.Select(f => (f.Header.Type, f.Header.StreamId)), forwarded.Select(f => (f.Header.Type, f.Header.StreamId)));
        Assert.Equal(sent.Where(f => f.Header.Type != Http2FrameType.Headers).Select(f => (f.Header, f.Payload)),
            forwarded.Where(f => f.Header.Type != Http2FrameType.Headers).Select(f => (f.Header, f.Payload)), FrameComparer.Instance);

        var kestrel = new HpackDecoder(TableBytes, BlockBytesMax);
        List<HpackHeaderField> received = Assert.Single(Decode(kestrel, forwarded));
        List<HpackHeaderField> meant = Assert.Single(Decode(new HpackDecoder(TableBytes, BlockBytesMax), sent));
        Assert.Contains(":authority: http://127.0.0.1:23795", meant.Select(f => f.ToString()));
        Assert.Equal(meant.Select(f => f.ToString().Replace("http://127.0.0.1:23795", "127.0.0.1:23795", StringComparison.Ordinal)),
            received.Select(f => f.ToString()));
        Assert.Equal(0, kestrel.Table.Count);
        Assert.Equal(Http2FrameFlags.EndHeaders, forwarded.Single(f => f.Header.Type == Http2FrameType.Headers).Header.Flags);
    }

    [Fact]
    public void Rewrite_LaterBlocksReferringToTheClientsTable_DecodeToWhatTheClientMeant()
    {
        var client = new HpackDecoder(TableBytes, BlockBytesMax);
        Assert.Single(Decode(client, Http2Wire.Frames(CapturedConnection.EtcdctlStatusCall)));
        // grpc-go's second call on the connection: the same fields by their dynamic table indexes, newest first.
        int inserted = client.Table.Count;
        var second = new HpackBlockBuilder().Indexed(3).Indexed(6);
        for (int index = 62 + inserted - 1; index >= 62; index--)
        {
            second.Indexed(index);
        }

        byte[] third = new HpackBlockBuilder()
            .SizeUpdate(200)
            .Indexed(3).Indexed(6).LiteralWithIndexing(4, "/etcdserverpb.KV/Range").Indexed(62).Indexed(64)
            .LiteralWithIndexing("x-custom", "1").Indexed(62).NeverIndexed("token", "secret").LiteralWithoutIndexing("x-plain", "2")
            .ToArray();
        byte[] input = [.. CapturedConnection.EtcdctlStatusCall, .. Http2Wire.HeadersFrame(3, second.ToArray()), .. Http2Wire.HeadersFrame(5, third, endStream: true)];

        byte[] output = RewriteAll(new Http2AuthorityRewriter(TableBytes, BlockBytesMax), input);

        List<List<HpackHeaderField>> meant = Decode(new HpackDecoder(TableBytes, BlockBytesMax), Http2Wire.Frames(input));
        var kestrel = new HpackDecoder(TableBytes, BlockBytesMax);
        List<List<HpackHeaderField>> received = Decode(kestrel, Http2Wire.Frames(output));
        Assert.Equal(3, received.Count);
        for (int i = 0; i < meant.Count; i++)
        {
            Assert.Equal(meant[i].Select(f => (f.ToString().Replace("http://127.0.0.1:23795", "127.0.0.1:23795", StringComparison.Ordinal), f.NeverIndexed)),
                received[i].Select(f => (f.ToString(), f.NeverIndexed)));
        }

        Assert.Contains(":authority: 127.0.0.1:23795", received[1].Select(f => f.ToString()));
        Assert.Contains(("token: secret", true), received[2].Select(f => (f.ToString(), f.NeverIndexed)));
        Assert.Equal(0, kestrel.Table.Count);
        Assert.Equal([1, 3, 5], Http2Wire.HeaderBlocks(Http2Wire.Frames(output)).Select(b => b.StreamId));
        Assert.True(Http2Wire.Frames(output).Last().Header.HasFlag(Http2FrameFlags.EndStream));
    }

    [Fact]
    public void Rewrite_FirstBlockWithAHostAndPort_ForwardsTheWholeConnectionUnchanged()
    {
        byte[] block = new HpackBlockBuilder().Indexed(3).Indexed(6).LiteralWithIndexing(4, "/etcdserverpb.KV/Range")
            .LiteralWithIndexing(1, "127.0.0.1:2379").ToArray();
        byte[] input = Http2Wire.Connection(Http2Wire.Frame(Http2Wire.Settings, Http2FrameFlags.None, 0, []),
            Http2Wire.HeadersFrame(1, block), Http2Wire.Frame(Http2Wire.Data, Http2FrameFlags.EndStream, 1, [0, 0, 0, 0, 0]));
        byte[] later = Http2Wire.HeadersFrame(3, new HpackBlockBuilder().Indexed(3).LiteralWithIndexing(1, "http://127.0.0.1:2379").ToArray());
        var rewriter = new Http2AuthorityRewriter(TableBytes, BlockBytesMax);

        byte[] output = RewriteAll(rewriter, input);

        Assert.True(rewriter.ForwardsUnchanged);
        Assert.Equal(input, output);
        Assert.Equal(later, RewriteAll(rewriter, later));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public void Rewrite_InputInPieces_GivesWhatItGivesForTheWhole(int pieceBytes)
    {
        byte[] input = [.. CapturedConnection.EtcdctlStatusCall, .. Http2Wire.HeadersFrame(3, new HpackBlockBuilder().Indexed(3).Indexed(62).Indexed(63).ToArray())];
        byte[] whole = RewriteAll(new Http2AuthorityRewriter(TableBytes, BlockBytesMax), input);

        byte[] pieces = RewriteAll(new Http2AuthorityRewriter(TableBytes, BlockBytesMax), input, pieceBytes);

        Assert.Equal(whole, pieces);
        Assert.NotEqual(input, whole);
    }

    [Fact]
    public void Rewrite_BlockLargerThanAFrame_ComesOutInFramesOfAtMostTheDefaultSize()
    {
        string big = new('v', 40_000);
        byte[] block = new HpackBlockBuilder().Indexed(3).Indexed(6).LiteralWithIndexing(1, "http://127.0.0.1:2379")
            .LiteralWithoutIndexing("x-big", big).ToArray();
        // The client splits it at 16,384 too: HEADERS (END_STREAM), then CONTINUATIONs, the last with END_HEADERS.
        var frames = new List<byte[]>();
        for (int offset = 0; offset < block.Length; offset += Http2FrameHeader.DefaultPayloadBytesMax)
        {
            byte[] chunk = block[offset..Math.Min(block.Length, offset + Http2FrameHeader.DefaultPayloadBytesMax)];
            bool last = offset + chunk.Length == block.Length;
            frames.Add(Http2Wire.Frame(offset == 0 ? Http2Wire.Headers : Http2Wire.Continuation,
                (offset == 0 ? Http2FrameFlags.EndStream : Http2FrameFlags.None) | (last ? Http2FrameFlags.EndHeaders : Http2FrameFlags.None), 1, chunk));
        }

        byte[] output = RewriteAll(new Http2AuthorityRewriter(TableBytes, BlockBytesMax), Http2Wire.Connection([.. frames]));

        var (streamId, fragment, carriers) = Assert.Single(Http2Wire.HeaderBlocks(Http2Wire.Frames(output)));
        Assert.Equal(1, streamId);
        Assert.True(carriers.Count >= 2);
        Assert.All(carriers, c => Assert.True(c.PayloadLength <= Http2FrameHeader.DefaultPayloadBytesMax));
        Assert.Equal(Http2FrameFlags.EndStream, carriers[0].Flags);
        Assert.All(carriers.Skip(1), c => Assert.Equal(Http2FrameType.Continuation, c.Type));
        Assert.Equal(Http2FrameFlags.EndHeaders, carriers[^1].Flags);
        List<HpackHeaderField> received = Assert.Single(Http2Wire.Decode(new HpackDecoder(TableBytes, BlockBytesMax), [fragment]));
        Assert.Equal([":method: POST", ":scheme: http", ":authority: 127.0.0.1:2379", "x-big: " + big], received.Select(f => f.ToString()));
    }

    [Fact]
    public void Rewrite_PaddedHeadersWithPriority_KeepsThePriorityAndDropsThePadding()
    {
        byte[] block = new HpackBlockBuilder().Indexed(3).LiteralWithIndexing(1, "http://h:1").ToArray();
        byte[] priority = [0x80, 0, 0, 0x07, 0x2A];
        byte[] payload = [3, .. priority, .. block, 0, 0, 0];
        byte[] input = Http2Wire.Connection(Http2Wire.Frame(Http2Wire.Headers,
            Http2FrameFlags.Padded | Http2FrameFlags.Priority | Http2FrameFlags.EndHeaders | Http2FrameFlags.EndStream, 9, payload));

        byte[] output = RewriteAll(new Http2AuthorityRewriter(TableBytes, BlockBytesMax), input);

        var (header, forwarded) = Assert.Single(Http2Wire.Frames(output));
        Assert.Equal(Http2FrameFlags.Priority | Http2FrameFlags.EndHeaders | Http2FrameFlags.EndStream, header.Flags);
        Assert.Equal(9, header.StreamId);
        Assert.Equal(priority, forwarded[..5]);
        List<HpackHeaderField> received = Assert.Single(Http2Wire.Decode(new HpackDecoder(TableBytes, BlockBytesMax), [forwarded[5..]]));
        Assert.Equal([":method: POST", ":authority: h:1"], received.Select(f => f.ToString()));
    }

    public static TheoryData<string, byte[]> UnfollowableInputs
    {
        get
        {
            byte[] urlBlock = new HpackBlockBuilder().Indexed(3).LiteralWithIndexing(1, "http://h:1").ToArray();
            return new()
            {
                { "an HTTP/1.1 request shorter than the preface", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n") },
                { "DATA inside a header block", Http2Wire.Connection(
                    Http2Wire.Frame(Http2Wire.Headers, Http2FrameFlags.None, 1, urlBlock),
                    Http2Wire.Frame(Http2Wire.Data, Http2FrameFlags.None, 1, [1, 2]),
                    Http2Wire.Frame(Http2Wire.Continuation, Http2FrameFlags.EndHeaders, 1, [])) },
                { "CONTINUATION of another stream", Http2Wire.Connection(
                    Http2Wire.Frame(Http2Wire.Headers, Http2FrameFlags.None, 1, urlBlock),
                    Http2Wire.Frame(Http2Wire.Continuation, Http2FrameFlags.EndHeaders, 3, [])) },
                { "an undecodable first block", Http2Wire.Connection(Http2Wire.HeadersFrame(1, [.. urlBlock, 0x80])) },
                { "padding longer than the payload", Http2Wire.Connection(
                    Http2Wire.Frame(Http2Wire.Headers, Http2FrameFlags.Padded | Http2FrameFlags.EndHeaders, 1, [200, .. urlBlock])) },
                { "a block over the size limit", Http2Wire.Connection(Http2Wire.HeadersFrame(1,
                    new HpackBlockBuilder().LiteralWithIndexing(1, "http://h:1").LiteralWithoutIndexing("x", new string('x', BlockBytesMax)).ToArray())) },
            };
        }
    }

    [Theory, MemberData(nameof(UnfollowableInputs))]
    public void Rewrite_InputItCannotFollow_IsForwardedUnchanged(string name, byte[] input)
    {
        var rewriter = new Http2AuthorityRewriter(TableBytes, BlockBytesMax);

        byte[] output = RewriteAll(rewriter, input);

        Assert.True(input.AsSpan().SequenceEqual(output), name);
        Assert.True(rewriter.ForwardsUnchanged, name);
    }

    [Fact]
    public void Rewrite_UndecodableBlockAfterARewrittenOne_IsForwardedUnchangedWithAllAfterIt()
    {
        byte[] broken = Http2Wire.HeadersFrame(3, [0x83, 0x80]);
        byte[] after = Http2Wire.Frame(Http2Wire.Data, Http2FrameFlags.EndStream, 3, [1, 2, 3]);
        var rewriter = new Http2AuthorityRewriter(TableBytes, BlockBytesMax);
        byte[] rewrittenStart = RewriteAll(new Http2AuthorityRewriter(TableBytes, BlockBytesMax), CapturedConnection.EtcdctlStatusCall);

        byte[] output = RewriteAll(rewriter, [.. CapturedConnection.EtcdctlStatusCall, .. broken, .. after]);

        Assert.Equal([.. rewrittenStart, .. broken, .. after], output);
        Assert.True(rewriter.ForwardsUnchanged);
    }

    public static TheoryData<string, byte[], int> IncompleteInputs
    {
        get
        {
            byte[] headers = Http2Wire.HeadersFrame(1, new HpackBlockBuilder().LiteralWithIndexing(1, "http://h:1").ToArray());
            byte[] data = Http2Wire.Frame(Http2Wire.Data, Http2FrameFlags.None, 1, [1, 2, 3, 4]);
            int prefaceBytes = Http2Wire.Preface.Length;
            return new()
            {
                // name, input, bytes forwarded: all before the point where the rewriter stops
                { "part of the preface", Http2Wire.Preface[..10], 0 },
                { "part of a frame header", [.. Http2Wire.Preface, .. data, .. headers[..5]], prefaceBytes + data.Length },
                { "part of a HEADERS frame", [.. Http2Wire.Preface, .. data, .. headers[..^1]], prefaceBytes + data.Length },
                { "part of a DATA payload, which goes on as it comes", [.. Http2Wire.Preface, .. data[..^2]], prefaceBytes + data.Length - 2 },
            };
        }
    }

    [Theory, MemberData(nameof(IncompleteInputs))]
    public void Rewrite_IncompleteInput_ForwardsAllBeforeWhatItMustWaitFor(string name, byte[] input, int forwardedBytes)
    {
        var output = new ArrayBufferWriter<byte>();
        var sequence = new ReadOnlySequence<byte>(input);

        SequencePosition stopped = new Http2AuthorityRewriter(TableBytes, BlockBytesMax).Rewrite(sequence, output);

        Assert.True(forwardedBytes == sequence.Slice(0, stopped).Length, name);
        Assert.Equal(input[..forwardedBytes], output.WrittenSpan.ToArray());
    }

    private static List<List<HpackHeaderField>> Decode(HpackDecoder decoder, List<(Http2FrameHeader Header, byte[] Payload)> frames) =>
        Http2Wire.Decode(decoder, Http2Wire.HeaderBlocks(frames).Select(b => b.Fragment));

    /// <summary>Feeds <paramref name="input"/> in pieces as the pipe shell does: what the rewriter leaves comes again with the next piece.</summary>
    internal static byte[] RewriteAll(Http2AuthorityRewriter rewriter, byte[] input, int pieceBytes = int.MaxValue)
    {
        var output = new ArrayBufferWriter<byte>();
        byte[] pending = [];
        for (int offset = 0; offset < input.Length; offset += pieceBytes)
        {
            byte[] buffer = [.. pending, .. input.AsSpan(offset, Math.Min(pieceBytes, input.Length - offset))];
            var sequence = new ReadOnlySequence<byte>(buffer);
            pending = sequence.Slice(rewriter.Rewrite(sequence, output)).ToArray();
        }

        Assert.Empty(pending);
        return output.WrittenSpan.ToArray();
    }

    private sealed class FrameComparer : IEqualityComparer<(Http2FrameHeader Header, byte[] Payload)>
    {
        public static readonly FrameComparer Instance = new();

        public bool Equals((Http2FrameHeader Header, byte[] Payload) x, (Http2FrameHeader Header, byte[] Payload) y) =>
            x.Header == y.Header && x.Payload.AsSpan().SequenceEqual(y.Payload);

        public int GetHashCode((Http2FrameHeader Header, byte[] Payload) obj) => obj.Header.GetHashCode();
    }
}
