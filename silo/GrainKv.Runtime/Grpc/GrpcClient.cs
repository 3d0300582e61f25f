using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// A gRPC client over HttpClient's HTTP/2 (h2c with prior knowledge for http:// addresses), using our own
/// framing. Calls are spread round-robin over <c>connections</c> independent connection pools, because one
/// HTTP/2 connection serializes its frames and a benchmark wants several.
/// </summary>
public sealed class GrpcClient : IDisposable
{
    private readonly Uri _address;
    private readonly HttpMessageInvoker[] _invokers;
    private readonly ConcurrentDictionary<string, Uri> _uris = new(StringComparer.Ordinal);
    private int _nextInvoker;

    /// <param name="address">The server, http://host:port.</param>
    /// <param name="connections">Independent connections to spread calls over.</param>
    /// <param name="connectTimeout">How long a connection attempt may take; unset, as long as the call's own deadline.</param>
    public GrpcClient(Uri address, int connections = 1, TimeSpan? connectTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        _address = address;
        _invokers = new HttpMessageInvoker[connections];
        for (int i = 0; i < connections; i++)
        {
            _invokers[i] = new HttpMessageInvoker(CreateHandler(connectTimeout ?? Timeout.InfiniteTimeSpan), disposeHandler: true);
        }
    }

    /// <summary>The server this client calls.</summary>
    public Uri Address => _address;

    /// <summary>The largest response message accepted; like Go clients, effectively unlimited by default.</summary>
    public int MaxReceiveMessageBytes { get; init; } = int.MaxValue;

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string path, TRequest request, MessageParser<TResponse> parser,
        GrpcMetadata? headers = null, TimeSpan? timeout = null, CancellationToken ct = default)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        using var scope = new GrpcCallScope(timeout, ct);
        using var httpRequest = CreateRequest(path, GrpcRequestContent.ForMessage(request), headers, timeout);
        try
        {
            await using var response = await SendAsync(httpRequest, scope.Token).ConfigureAwait(false);
            TResponse? message = await response.ReadMessageAsync(parser, scope.Token).ConfigureAwait(false);
            if (message is null)
            {
                throw new RpcException(StatusCode.Internal, "grpc: no response message for a unary call");
            }

            await ExpectEndAsync(response, scope.Token).ConfigureAwait(false);
            return message;
        }
        catch (Exception error) when (scope.Translate(error) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> as the bytes of one uncompressed frame, whatever they are, and returns the
    /// response message's bytes. For tests of malformed and oversized input.
    /// </summary>
    public async Task<byte[]> UnaryRawAsync(string path, ReadOnlyMemory<byte> message, TimeSpan? timeout = null,
        GrpcMetadata? headers = null, CancellationToken ct = default)
    {
        var body = new ArrayBufferWriter<byte>(message.Length + GrpcFrame.HeaderBytes);
        GrpcFrame.Write(body, message.Span);
        IReadOnlyList<byte[]> responses = await CallRawAsync(path, body.WrittenMemory, headers, timeout, ct).ConfigureAwait(false);
        return responses.Count == 1
            ? responses[0]
            : throw new RpcException(StatusCode.Internal, $"grpc: {responses.Count} response messages for a unary call");
    }

    /// <summary>
    /// Sends <paramref name="body"/> as the whole request body, unframed (build frames with <see cref="GrpcFrame"/>),
    /// and returns every response message's bytes. For tests of framing errors.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> CallRawAsync(string path, ReadOnlyMemory<byte> body, GrpcMetadata? headers = null,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        using var scope = new GrpcCallScope(timeout, ct);
        using var httpRequest = CreateRequest(path, GrpcRequestContent.ForBody(body), headers, timeout);
        try
        {
            await using var response = await SendAsync(httpRequest, scope.Token).ConfigureAwait(false);
            var messages = new List<byte[]>();
            while (await response.ReadRawMessageAsync(scope.Token).ConfigureAwait(false) is { } message)
            {
                messages.Add(message);
            }

            return messages;
        }
        catch (Exception error) when (scope.Translate(error) is { } translated)
        {
            throw translated;
        }
    }

    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(string path, TRequest request,
        MessageParser<TResponse> parser, GrpcMetadata? headers = null, TimeSpan? timeout = null,
        [EnumeratorCancellation] CancellationToken ct = default)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        using var scope = new GrpcCallScope(timeout, ct, abandonable: true);
        using var httpRequest = CreateRequest(path, GrpcRequestContent.ForMessage(request), headers, timeout);
        GrpcClientResponse response;
        try
        {
            response = await SendAsync(httpRequest, scope.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (scope.Translate(error) is { } translated)
        {
            throw translated;
        }

        await using (response.ConfigureAwait(false))
        {
            while (true)
            {
                TResponse? message;
                try
                {
                    message = await response.ReadMessageAsync(parser, scope.Token).ConfigureAwait(false);
                }
                catch (Exception error) when (scope.Translate(error) is { } translated)
                {
                    throw translated;
                }

                if (message is null)
                {
                    yield break;
                }

                yield return message;
            }
        }
    }

    /// <summary>
    /// Starts a bidirectional call. The request headers go out at once; write with <see cref="DuplexCall{TRequest,TResponse}.WriteAsync"/>,
    /// half-close with CompleteAsync and read with ReadAllAsync. Dispose the call to end it.
    /// </summary>
    public DuplexCall<TRequest, TResponse> Duplex<TRequest, TResponse>(string path, MessageParser<TResponse> parser,
        GrpcMetadata? headers = null, TimeSpan? timeout = null, CancellationToken ct = default)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        var scope = new GrpcCallScope(timeout, ct, abandonable: true);
        var content = new DuplexRequestContent();
        var httpRequest = CreateRequest(path, content, headers, timeout);
        Task<HttpResponseMessage> responseTask = NextInvoker().SendAsync(httpRequest, scope.Token);
        return new DuplexCall<TRequest, TResponse>(content, responseTask, parser, scope, MaxReceiveMessageBytes);
    }

    public void Dispose()
    {
        foreach (var invoker in _invokers)
        {
            invoker.Dispose();
        }
    }

    private static SocketsHttpHandler CreateHandler(TimeSpan connectTimeout) => new()
    {
        ConnectTimeout = connectTimeout,
        EnableMultipleHttp2Connections = true,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        KeepAlivePingDelay = TimeSpan.FromSeconds(10),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
    };

    private HttpMessageInvoker NextInvoker() =>
        _invokers.Length == 1 ? _invokers[0] : _invokers[(int)((uint)Interlocked.Increment(ref _nextInvoker) % (uint)_invokers.Length)];

    private HttpRequestMessage CreateRequest(string path, HttpContent content, GrpcMetadata? headers, TimeSpan? timeout)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _uris.GetOrAdd(path, static (p, address) => new Uri(address, p), _address))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, GrpcProtocol.TeTrailers);
        if (timeout is { } deadline && deadline != Timeout.InfiniteTimeSpan)
        {
            request.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(deadline));
        }

        if (headers is not null)
        {
            foreach (var entry in headers)
            {
                request.Headers.TryAddWithoutValidation(entry.Key, entry.Value);
            }
        }

        return request;
    }

    private async Task<GrpcClientResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await NextInvoker().SendAsync(request, cancellationToken).ConfigureAwait(false);
        return GrpcClientResponse.Start(response, MaxReceiveMessageBytes);
    }

    /// <summary>A unary response must end after its one message; reading on picks up the trailers' status.</summary>
    private static async Task ExpectEndAsync(GrpcClientResponse response, CancellationToken cancellationToken)
    {
        if (await response.ReadRawMessageAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Internal, "grpc: more than one response message for a unary call");
        }
    }
}
