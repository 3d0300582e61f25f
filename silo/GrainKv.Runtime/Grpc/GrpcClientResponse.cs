using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// The client's view of one gRPC response: checks the headers, reads framed messages from the body, and turns
/// the final status (trailers-only headers or trailers) into an <see cref="RpcException"/> when it is not OK.
/// </summary>
internal sealed class GrpcClientResponse : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly int _maxMessageBytes;
    private PipeReader? _body;
    private bool _ended;

    private GrpcClientResponse(HttpResponseMessage response, int maxMessageBytes)
    {
        _response = response;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>Validates the response headers; a trailers-only error throws here.</summary>
    public static GrpcClientResponse Start(HttpResponseMessage response, int maxMessageBytes)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            int httpStatus = (int)response.StatusCode;
            response.Dispose();
            throw new RpcException(GrpcProtocol.FromHttpStatus(httpStatus), $"unexpected HTTP status code received from server: {httpStatus}");
        }

        var call = new GrpcClientResponse(response, maxMessageBytes);
        if (response.Headers.Contains(GrpcProtocol.StatusHeader))
        {
            call._ended = true;
            try
            {
                ThrowIfNotOk(response.Headers);
            }
            catch
            {
                response.Dispose();
                throw;
            }

            return call;
        }

        string? contentType = response.Content.Headers.TryGetValues("Content-Type", out var values) ? values.FirstOrDefault() : null;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            response.Dispose();
            throw new RpcException(StatusCode.Internal, $"transport: received the unexpected content-type \"{contentType}\"");
        }

        return call;
    }

    /// <summary>The next message, or null once the stream ended with status OK.</summary>
    public async ValueTask<TResponse?> ReadMessageAsync<TResponse>(MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        if (_ended)
        {
            return default;
        }

        _body ??= PipeReader.Create(await _response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        return await ReadFrameAsync(parser, static (p, frame) => p.ParseFrom(frame), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next message's bytes, or null once the stream ended with status OK.</summary>
    public async ValueTask<byte[]?> ReadRawMessageAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return null;
        }

        _body ??= PipeReader.Create(await _response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        return await ReadFrameAsync(0, static (_, frame) => frame.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_body is not null)
        {
            await _body.CompleteAsync().ConfigureAwait(false);
        }

        _response.Dispose();
    }

    private async ValueTask<T?> ReadFrameAsync<TState, T>(TState state, Func<TState, ReadOnlySequence<byte>, T> decode, CancellationToken cancellationToken)
    {
        PipeReader body = _body!;
        while (true)
        {
            ReadResult result = await body.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (GrpcFrame.TryReadFrame(ref buffer, _maxMessageBytes, out GrpcFrame frame))
            {
                try
                {
                    if (frame.Flag != 0)
                    {
                        GrpcErrors.ThrowUnexpectedFlag(frame.Flag);
                    }

                    return decode(state, frame.Message);
                }
                finally
                {
                    body.AdvanceTo(buffer.Start);
                }
            }

            if (result.IsCompleted)
            {
                body.AdvanceTo(buffer.End);
                _ended = true;
                if (!buffer.IsEmpty)
                {
                    throw new RpcException(StatusCode.Internal, "unexpected EOF");
                }

                ThrowIfNotOk(_response.TrailingHeaders);
                return default;
            }

            body.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static void ThrowIfNotOk(System.Net.Http.Headers.HttpHeaders headers)
    {
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues))
        {
            // grpc-go's texts for a stream that ends without a status.
            throw new RpcException(StatusCode.Internal, "server closed the stream without sending trailers");
        }

        string statusText = statusValues.First();
        if (!int.TryParse(statusText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int code))
        {
            throw new RpcException(StatusCode.Unknown, $"transport: malformed grpc-status: \"{statusText}\"");
        }

        if (code == (int)StatusCode.OK)
        {
            return;
        }

        string message = headers.TryGetValues(GrpcProtocol.MessageHeader, out var messages) ? GrpcMessageEncoding.Decode(messages.First()) : "";
        throw new RpcException((StatusCode)code, message) { Trailers = ToMetadata(headers) };
    }

    private static GrpcMetadata ToMetadata(System.Net.Http.Headers.HttpHeaders headers)
    {
        var metadata = new GrpcMetadata();
        foreach (var (name, values) in headers.NonValidated)
        {
            if (name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (string value in values)
            {
                metadata.AddWireValue(name, value);
            }
        }

        return metadata;
    }
}
