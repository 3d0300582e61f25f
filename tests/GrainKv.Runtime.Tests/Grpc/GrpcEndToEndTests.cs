using System.Buffers;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;

namespace GrainKv.Runtime.Tests.Grpc;

/// <summary>GrpcClient against GrpcServerMiddleware on a real Kestrel over loopback h2c.</summary>
public sealed class GrpcEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);
    private GrpcTestServer _server = null!;

    private GrpcClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await GrpcTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Unary_Ok_ReturnsResponseAndSeesMetadata()
    {
        var headers = new GrpcMetadata { { "token", "secret" } };

        var response = await Client.UnaryAsync("/test.Echo/Unary", Request("hello"), RangeResponse.Parser, headers, CallTimeout);

        Assert.Equal(5, response.Count);
        Assert.Equal("hello", response.Kvs[0].Key.ToStringUtf8());
        Assert.Equal("secret", response.Kvs[0].Value.ToStringUtf8());
    }

    [Fact]
    public async Task Unary_ManyConcurrentCallsOverSeveralConnections_AllSucceed()
    {
        using var client = new GrpcClient(_server.Address, connections: 3);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            client.UnaryAsync("/test.Echo/Unary", Request(new string('x', i)), RangeResponse.Parser, timeout: CallTimeout)));

        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), responses.Select(r => r.Count));
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, "etcdserver: key is not provided")]
    [InlineData(StatusCode.OutOfRange, "caf\u00e9 \u65e5\u672c\nsecond line 100%")]
    [InlineData(StatusCode.Unauthenticated, "")]
    public async Task Unary_HandlerThrowsRpcException_ClientGetsSameStatusAndMessage(StatusCode code, string message)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.UnaryAsync("/test.Echo/Fail", Request(message, limit: (long)code), RangeResponse.Parser, timeout: CallTimeout));

        Assert.Equal(code, error.StatusCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Unary_HandlerThrowsOtherException_ClientGetsInternalWithMessage()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.UnaryAsync("/test.Echo/Throw", Request("boom"), RangeResponse.Parser, timeout: CallTimeout));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("boom", error.Message);
    }

    [Theory]
    [InlineData("/etcdserverpb.Nope/Range", StatusCode.Unimplemented, "unknown service etcdserverpb.Nope")]
    [InlineData("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", StatusCode.Unimplemented, "unknown service grpc.reflection.v1alpha.ServerReflection")]
    [InlineData("/etcdserverpb.KV/Nope", StatusCode.Unimplemented, "unknown method Nope for service etcdserverpb.KV")]
    [InlineData("/test.Echo/Nope", StatusCode.Unimplemented, "unknown method Nope for service test.Echo")]
    [InlineData("/etcdserverpb.Maintenance/Defragment", StatusCode.Unimplemented, "grainkv: method /etcdserverpb.Maintenance/Defragment is not implemented")]
    [InlineData("/nomethod", StatusCode.ResourceExhausted, "malformed method name: \"/nomethod\"")]
    public async Task Unary_PathWithoutHandler_GetsGrpcGoError(string path, StatusCode code, string message)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.UnaryAsync(path, Request("k"), RangeResponse.Parser, timeout: CallTimeout));

        Assert.Equal(code, error.StatusCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Unary_RealHandlerOverUnimplementedService_IsServed()
    {
        var response = await Client.UnaryAsync("/etcdserverpb.KV/Range", Request("abc"), RangeResponse.Parser, timeout: CallTimeout);

        Assert.Equal(3, response.Count);
    }

    [Fact]
    public async Task UnaryRaw_TruncatedProtobuf_GetsInternalUnmarshallingError()
    {
        byte[] truncated = [0x0a, 0x05, 0x61];

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.UnaryRawAsync("/test.Echo/Unary", truncated, CallTimeout));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("grpc: error unmarshalling request: unexpected EOF", error.Message);
    }

    [Fact]
    public async Task UnaryRaw_EmptyMessage_IsValidWithDefaults()
    {
        byte[] response = await Client.UnaryRawAsync("/test.Echo/Unary", Array.Empty<byte>(), CallTimeout);

        Assert.Equal(0, RangeResponse.Parser.ParseFrom(response).Count);
    }

    [Fact]
    public async Task UnaryRaw_MessageOverReceiveLimit_GetsResourceExhausted()
    {
        int length = GrpcTestServer.MaxReceiveMessageBytes + 1;

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.UnaryRawAsync("/test.Echo/Unary", new byte[length], CallTimeout));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal($"grpc: received message larger than max ({length} vs. {GrpcTestServer.MaxReceiveMessageBytes})", error.Message);
    }

    [Fact]
    public async Task UnaryRaw_MessageAtReceiveLimit_IsAccepted()
    {
        var request = Request(new string('k', GrpcTestServer.MaxReceiveMessageBytes - 4));
        Assert.Equal(GrpcTestServer.MaxReceiveMessageBytes, request.CalculateSize());

        byte[] response = await Client.UnaryRawAsync("/test.Echo/Unary", request.ToByteArray(), CallTimeout);

        Assert.Equal(GrpcTestServer.MaxReceiveMessageBytes - 4, RangeResponse.Parser.ParseFrom(response).Count);
    }

    [Theory]
    [InlineData(1, "grpc: compressed flag set with identity or empty encoding", null)]
    [InlineData(1, "grpc: compressed flag set with identity or empty encoding", "identity")]
    [InlineData(2, "grpc: received unexpected payload format 2", null)]
    public async Task CallRaw_FlagOtherThanZero_GetsInternal(byte flag, string message, string? encoding)
    {
        var body = new ArrayBufferWriter<byte>();
        GrpcFrame.Write(body, Request("k").ToByteArray(), flag);
        var headers = new GrpcMetadata();
        if (encoding is not null)
        {
            headers.Add("grpc-encoding", encoding);
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CallRawAsync("/test.Echo/Unary", body.WrittenMemory, headers, CallTimeout));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Unary_GzipEncoding_GetsUnimplementedDecompressorError()
    {
        var headers = new GrpcMetadata { { "grpc-encoding", "gzip" } };

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.UnaryAsync("/test.Echo/Unary", Request("k"), RangeResponse.Parser, headers, CallTimeout));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal("grpc: Decompressor is not installed for grpc-encoding \"gzip\"", error.Message);
    }

    [Theory]
    [InlineData(new byte[0], "EOF")]
    [InlineData(new byte[] { 0, 0, 0, 0, 9, 1 }, "unexpected EOF")]
    public async Task CallRaw_UnaryBodyWithoutWholeMessage_GetsUnknownEof(byte[] body, string message)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CallRawAsync("/test.Echo/Unary", body, timeout: CallTimeout));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Unary_ServerDeadlinePasses_GetsDeadlineExceededAndServerTokenFires()
    {
        // Only the header carries the deadline, so the status must come from the server.
        var headers = new GrpcMetadata { { "grpc-timeout", "200m" } };
        using var safety = new CancellationTokenSource(CallTimeout);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.UnaryAsync("/test.Echo/Wait", Request("k"), RangeResponse.Parser, headers, ct: safety.Token));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal("context deadline exceeded", error.Message);
        var context = await _server.WaitCancelled.Task.WaitAsync(CallTimeout);
        // The token fired at the deadline; timers may fire a tick (up to ~15 ms) before the wall clock agrees.
        Assert.True(context.Deadline < DateTime.UtcNow + TimeSpan.FromMilliseconds(20), $"deadline {context.Deadline:O} is still ahead");
    }

    [Fact]
    public async Task Unary_ClientTimeout_GetsDeadlineExceeded()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.UnaryAsync("/test.Echo/Wait", Request("k"), RangeResponse.Parser, timeout: TimeSpan.FromMilliseconds(200)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await _server.WaitCancelled.Task.WaitAsync(CallTimeout);
    }

    [Fact]
    public async Task Unary_MalformedTimeoutHeader_GetsInternal()
    {
        var headers = new GrpcMetadata { { "grpc-timeout", "10x" } };
        using var safety = new CancellationTokenSource(CallTimeout);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.UnaryAsync("/test.Echo/Unary", Request("k"), RangeResponse.Parser, headers, ct: safety.Token));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("transport: malformed time-out: transport: timeout unit is not recognized: \"10x\"", error.Message);
    }

    [Fact]
    public async Task Unary_ClientCancels_ServerTokenFires()
    {
        using var cancel = new CancellationTokenSource();
        var call = Client.UnaryAsync("/test.Echo/Wait", Request("k"), RangeResponse.Parser, ct: cancel.Token);
        await Task.Delay(200);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var context = await _server.WaitCancelled.Task.WaitAsync(CallTimeout);
        Assert.True(context.CancellationToken.IsCancellationRequested);
        Assert.Equal(DateTime.MaxValue, context.Deadline);
    }

    [Fact]
    public async Task ServerStreaming_Messages_ArriveInOrderThenOk()
    {
        var counts = new List<long>();

        await foreach (var response in Client.ServerStreamingAsync("/test.Echo/Count", new RangeRequest { Limit = 50 }, RangeResponse.Parser, timeout: CallTimeout))
        {
            counts.Add(response.Count);
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), counts);
    }

    [Fact]
    public async Task ServerStreaming_ErrorAfterMessages_ComesInTrailers()
    {
        var counts = new List<long>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var response in Client.ServerStreamingAsync("/test.Echo/Count", Request("stopped\nhere", limit: 3), RangeResponse.Parser, timeout: CallTimeout))
            {
                counts.Add(response.Count);
            }
        });

        Assert.Equal([0, 1, 2], counts);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("stopped\nhere", error.Message);
    }

    [Fact]
    public async Task ClientStreaming_Requests_SummedIntoOneResponse()
    {
        using var call = Client.Duplex<RangeRequest, RangeResponse>("/test.Echo/Sum", RangeResponse.Parser, timeout: CallTimeout);
        for (int i = 1; i <= 10; i++)
        {
            await call.WriteAsync(new RangeRequest { Limit = i });
        }

        await call.CompleteAsync();
        var responses = new List<RangeResponse>();
        await foreach (var response in call.ReadAllAsync())
        {
            responses.Add(response);
        }

        Assert.Equal(55, Assert.Single(responses).Count);
    }

    [Fact]
    public async Task Duplex_InterleavedWritesAndReads_EachRequestAnsweredBeforeTheNextIsSent()
    {
        using var call = Client.Duplex<RangeRequest, RangeResponse>("/test.Echo/Chat", RangeResponse.Parser, timeout: CallTimeout);
        await using var responses = call.ReadAllAsync().GetAsyncEnumerator();

        for (int i = 0; i < 20; i++)
        {
            await call.WriteAsync(Request($"m{i}"));
            Assert.True(await responses.MoveNextAsync());
            Assert.Equal($"m{i}", responses.Current.Kvs[0].Key.ToStringUtf8());
        }

        await call.CompleteAsync();
        Assert.False(await responses.MoveNextAsync());
    }

    [Fact]
    public async Task Duplex_ClientDisposesCall_ServerTokenFires()
    {
        var call = Client.Duplex<RangeRequest, RangeResponse>("/test.Echo/Hold", RangeResponse.Parser);
        await using (var responses = call.ReadAllAsync().GetAsyncEnumerator())
        {
            await call.WriteAsync(Request("first"));
            Assert.True(await responses.MoveNextAsync());
        }

        call.Dispose();

        var context = await _server.WaitCancelled.Task.WaitAsync(CallTimeout);
        Assert.True(context.CancellationToken.IsCancellationRequested);
    }

    private static RangeRequest Request(string key, long limit = 0) => new() { Key = ByteString.CopyFromUtf8(key), Limit = limit };
}
