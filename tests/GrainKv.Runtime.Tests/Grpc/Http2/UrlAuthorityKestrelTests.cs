using System.Buffers;
using System.Buffers.Binary;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;
using GrainKv.Runtime.Grpc.Http2;
using Grpc.Core;

namespace GrainKv.Runtime.Tests.Grpc.Http2;

/// <summary>Hand-made h2c connections to a real Kestrel set up by <see cref="GrpcKestrel.ConfigureForGrpc"/>.</summary>
public sealed class UrlAuthorityKestrelTests : IAsyncLifetime
{
    private const int ProtocolError = 0x1;
    private const int CompressionError = 0x9;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);

    private EchoKvServer _server = null!;

    public async Task InitializeAsync() => _server = await EchoKvServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string UrlAuthority => $"http://127.0.0.1:{_server.Address.Port}";

    [Fact]
    public async Task UrlAuthority_TwoCallsOnOneConnection_AreBothServed()
    {
        byte[] first = new HpackBlockBuilder().Indexed(3).Indexed(6).LiteralWithIndexing(4, EchoKvServer.RangePath)
            .LiteralWithIndexing(1, UrlAuthority).LiteralWithIndexing(31, "application/grpc").LiteralWithIndexing("te", "trailers").ToArray();
        // The second call names its fields by their dynamic table indexes, as grpc-go does: te is the newest (62), :path the oldest.
        byte[] second = new HpackBlockBuilder().Indexed(3).Indexed(6).Indexed(65).Indexed(64).Indexed(63).Indexed(62).ToArray();

        Dictionary<int, StreamOutcome> outcomes = await CallAsync(
            (1, first, Request("one")),
            (3, second, Request("two")));

        Assert.Equal("one", Echoed(outcomes[1]));
        Assert.Equal("two", Echoed(outcomes[3]));
    }

    [Fact]
    public async Task UrlAuthority_AfterAHostAndPortOnTheSameConnection_IsResetAsKestrelAlwaysDid()
    {
        byte[] first = new HpackBlockBuilder().Indexed(3).Indexed(6).LiteralWithIndexing(4, EchoKvServer.RangePath)
            .LiteralWithIndexing(1, $"127.0.0.1:{_server.Address.Port}").LiteralWithIndexing(31, "application/grpc").ToArray();
        byte[] second = new HpackBlockBuilder().Indexed(3).Indexed(6).Indexed(64).LiteralWithIndexing(1, UrlAuthority).Indexed(63).ToArray();

        Dictionary<int, StreamOutcome> outcomes = await CallAsync(
            (1, first, Request("one")),
            (3, second, Request("two")));

        Assert.Equal("one", Echoed(outcomes[1]));
        Assert.Equal(ProtocolError, outcomes[3].ResetCode);
    }

    [Fact]
    public async Task UndecodableHeaderBlock_KestrelClosesThatConnectionAndServesTheNext()
    {
        // Index 63 with one entry in the dynamic table: past its end.
        byte[] block = new HpackBlockBuilder().Indexed(3).LiteralWithIndexing(1, UrlAuthority).Indexed(63).ToArray();
        await using var client = await RawHttp2Client.ConnectAsync(_server.Address);
        await client.SendAsync(Http2Wire.Connection(Http2Wire.Frame(Http2Wire.Settings, Http2FrameFlags.None, 0, []), Http2Wire.HeadersFrame(1, block)));

        byte[] goAway = await ReadUntilGoAwayAsync(client);

        Assert.Equal(CompressionError, goAway[7]);
        RangeResponse response = await _server.Client.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("next") },
            deadline: DateTime.UtcNow + CallTimeout);
        Assert.Equal("next", response.Kvs[0].Key.ToStringUtf8());
    }

    /// <summary>One gRPC length-prefixed message: not compressed, then the length, big-endian.</summary>
    private static byte[] Request(string key)
    {
        byte[] message = new RangeRequest { Key = ByteString.CopyFromUtf8(key) }.ToByteArray();
        var framed = new byte[5 + message.Length];
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }

    private static string Echoed(StreamOutcome outcome)
    {
        Assert.Null(outcome.ResetCode);
        Assert.Contains(":status: 200", outcome.HeaderLists[0]);
        Assert.Contains("grpc-status: 0", outcome.HeaderLists[^1]);
        byte[] data = [.. outcome.Data];
        Assert.Equal(0, data[0]);
        int length = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(1));
        return RangeResponse.Parser.ParseFrom(data, 5, length).Kvs[0].Key.ToStringUtf8();
    }

    /// <summary>Sends the calls on one new connection, each a header block and one message, and reads until every stream has ended.</summary>
    private async Task<Dictionary<int, StreamOutcome>> CallAsync(params (int StreamId, byte[] Block, byte[] Message)[] calls)
    {
        await using var client = await RawHttp2Client.ConnectAsync(_server.Address);
        await client.SendAsync(Http2Wire.Connection([
            Http2Wire.Frame(Http2Wire.Settings, Http2FrameFlags.None, 0, []),
            .. calls.SelectMany(call => new[]
            {
                Http2Wire.HeadersFrame(call.StreamId, call.Block),
                Http2Wire.Frame(Http2Wire.Data, Http2FrameFlags.EndStream, call.StreamId, call.Message),
            }),
        ]));

        var outcomes = calls.ToDictionary(call => call.StreamId, _ => new StreamOutcome());
        var decoder = new HpackDecoder(4096, 64 * 1024);
        var block = new Http2HeaderBlock();
        while (outcomes.Values.Any(o => !o.Ended))
        {
            var (header, payload) = await client.ReadFrameAsync() ?? throw new InvalidOperationException("the server closed the connection");
            StreamOutcome? outcome = outcomes.GetValueOrDefault(header.StreamId);
            switch ((byte)header.Type)
            {
                case Http2Wire.Settings when !header.HasFlag(Http2Wire.Ack):
                    await client.SendAsync(Http2Wire.Frame(Http2Wire.Settings, Http2Wire.Ack, 0, []));
                    break;
                case Http2Wire.Headers or Http2Wire.Continuation:
                    var frame = new byte[header.FrameBytes];
                    header.Write(frame);
                    payload.CopyTo(frame, Http2FrameHeader.Bytes);
                    Assert.True(block.TryAdd(header, new ReadOnlySequence<byte>(frame)));
                    if (block.IsComplete)
                    {
                        outcome!.HeaderLists.Add(Http2Wire.Decode(decoder, [block.Fragment.ToArray()])[0].Select(f => f.ToString()).ToList());
                        block.Clear();
                    }

                    outcome!.Ended |= header.HasFlag(Http2FrameFlags.EndStream);
                    break;
                case Http2Wire.Data:
                    outcome!.Data.AddRange(payload);
                    outcome.Ended |= header.HasFlag(Http2FrameFlags.EndStream);
                    break;
                case Http2Wire.RstStream:
                    outcome!.ResetCode = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(payload);
                    outcome.Ended = true;
                    break;
                case Http2Wire.GoAway:
                    throw new InvalidOperationException($"the server sent GOAWAY with error {payload[7]}");
            }
        }

        return outcomes;
    }

    /// <summary>The payload of the server's GOAWAY: last stream id, then the error code.</summary>
    private static async Task<byte[]> ReadUntilGoAwayAsync(RawHttp2Client client)
    {
        while (await client.ReadFrameAsync() is var (header, payload))
        {
            if ((byte)header.Type == Http2Wire.GoAway)
            {
                return payload;
            }
        }

        throw new InvalidOperationException("the server closed the connection without GOAWAY");
    }

    private sealed class StreamOutcome
    {
        public List<List<string>> HeaderLists { get; } = [];
        public List<byte> Data { get; } = [];
        public int? ResetCode { get; set; }
        public bool Ended { get; set; }
    }
}
