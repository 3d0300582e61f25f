using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;
using GrainKv.Runtime.Grpc.Http2;
using GrainKv.Testing.Http2;

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

        Dictionary<int, Http2StreamOutcome> outcomes = await CallAsync(
            (1, first, Request("one")),
            (3, second, Request("two")));

        Assert.Equal("one", Echoed(outcomes[1]));
        Assert.Equal("two", Echoed(outcomes[3]));
    }

    [Fact]
    public async Task HttpsSchemeWithAUrlAuthority_OnCleartext_IsServed()
    {
        // A TLS-terminating proxy in front of etcdctl's endpoint status: :scheme https (static index 7) and a URL :authority.
        byte[] block = new HpackBlockBuilder().Indexed(3).Indexed(7).LiteralWithIndexing(4, EchoKvServer.RangePath)
            .LiteralWithIndexing(1, UrlAuthority).LiteralWithIndexing(31, "application/grpc").ToArray();

        Dictionary<int, Http2StreamOutcome> outcomes = await CallAsync((1, block, Request("proxied")));

        Assert.Equal("proxied", Echoed(outcomes[1]));
    }

    [Fact]
    public async Task UrlAuthority_AfterAHostAndPortOnTheSameConnection_IsResetAsKestrelAlwaysDid()
    {
        byte[] first = new HpackBlockBuilder().Indexed(3).Indexed(6).LiteralWithIndexing(4, EchoKvServer.RangePath)
            .LiteralWithIndexing(1, $"127.0.0.1:{_server.Address.Port}").LiteralWithIndexing(31, "application/grpc").ToArray();
        byte[] second = new HpackBlockBuilder().Indexed(3).Indexed(6).Indexed(64).LiteralWithIndexing(1, UrlAuthority).Indexed(63).ToArray();

        Dictionary<int, Http2StreamOutcome> outcomes = await CallAsync(
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

    private static byte[] Request(string key) => Http2Wire.GrpcMessage(new RangeRequest { Key = ByteString.CopyFromUtf8(key) });

    private static string Echoed(Http2StreamOutcome outcome) => outcome.SingleMessage(RangeResponse.Parser).Kvs[0].Key.ToStringUtf8();

    private Task<Dictionary<int, Http2StreamOutcome>> CallAsync(params (int StreamId, byte[] Block, byte[] Message)[] calls) =>
        RawHttp2Client.CallAsync(_server.Address, calls);

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
}
