using System.Net;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Grpc;

namespace GrainKv.Runtime.Tests.Grpc;

/// <summary>The response shapes grpc-go clients depend on, seen with a plain HttpClient rather than our client.</summary>
public sealed class GrpcWireFormatTests : IAsyncLifetime
{
    private GrpcTestServer _server = null!;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };

    public async Task InitializeAsync() => _server = await GrpcTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ErrorBeforeAnyMessage_IsTrailersOnlyWithPercentEncodedMessage()
    {
        using var response = await PostAsync("/test.Echo/Fail", new RangeRequest { Key = ByteString.CopyFromUtf8("bad\nkey \u00e9"), Limit = 3 });
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("3", Assert.Single(response.Headers.GetValues("grpc-status")));
        Assert.Equal("bad%0Akey %C3%A9", Assert.Single(response.Headers.GetValues("grpc-message")));
        Assert.Empty(body);
        Assert.Empty(response.TrailingHeaders);
    }

    [Fact]
    public async Task Success_SendsMessageThenStatusInTrailers()
    {
        using var response = await PostAsync("/test.Echo/Unary", new RangeRequest { Key = ByteString.CopyFromUtf8("k") });
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.False(response.Headers.Contains("grpc-status"));
        Assert.Equal(0, body[0]);
        Assert.Equal(body.Length - GrpcFrame.HeaderBytes, body[4]);
        Assert.Equal("0", Assert.Single(response.TrailingHeaders.GetValues("grpc-status")));
        Assert.False(response.TrailingHeaders.Contains("grpc-message"));
    }

    [Fact]
    public async Task NonGrpcContentType_IsPassedToTheNextMiddleware()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Address, "/test.Echo/Unary"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("grpc-status"));
    }

    private Task<HttpResponseMessage> PostAsync(string path, IMessage message)
    {
        var body = new System.Buffers.ArrayBufferWriter<byte>();
        GrpcFrame.Write(body, message);
        var content = new ByteArrayContent(body.WrittenSpan.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
