using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// The server's side of one call: reads framed requests from the request body, writes framed responses into
/// the response body and ends the call with a status, as trailers-only headers if no message went out.
/// </summary>
internal sealed class GrpcServerCall : IDisposable
{
    private readonly HttpContext _http;
    private readonly int _maxMessageBytes;
    private readonly CancellationTokenSource? _deadlineSource;
    private SemaphoreSlim? _writeLock;
    private bool _messageWritten;
    private bool _completed;

    public GrpcServerCall(HttpContext http, string method, TimeSpan? timeout, int maxMessageBytes)
    {
        _http = http;
        _maxMessageBytes = maxMessageBytes;
        CancellationToken token = http.RequestAborted;
        DateTime deadline = DateTime.MaxValue;
        if (timeout is { } limit)
        {
            _deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(token);
            _deadlineSource.CancelAfter(limit);
            token = _deadlineSource.Token;
            deadline = DateTime.UtcNow + limit;
        }

        Context = new ServerCallContext(http, method, deadline, token);
    }

    public ServerCallContext Context { get; }

    public bool DeadlineExpired => _deadlineSource is { IsCancellationRequested: true } && !_http.RequestAborted.IsCancellationRequested;

    public bool ClientGone => _http.RequestAborted.IsCancellationRequested;

    /// <summary>The next request message, or default once the client half-closed.</summary>
    public async ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        PipeReader body = _http.Request.BodyReader;
        while (true)
        {
            ReadResult result = await body.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            bool framed;
            T? message = default;
            try
            {
                framed = GrpcFrame.TryReadFrame(ref buffer, _maxMessageBytes, out GrpcFrame frame);
                if (framed)
                {
                    message = Parse(parser, frame);
                }
            }
            catch
            {
                body.AdvanceTo(buffer.Start);
                throw;
            }

            if (framed)
            {
                body.AdvanceTo(buffer.Start);
                return message;
            }

            // A partial frame leaves the buffer unchanged: keep it all, and wait for more than has been examined.
            body.AdvanceTo(buffer.Start, buffer.End);

            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    GrpcErrors.ThrowEndOfStream(midMessage: true);
                }

                return default;
            }
        }
    }

    /// <summary>A unary call's one request message; a body with none is grpc-go's "EOF".</summary>
    public async ValueTask<T> ReadSingleMessageAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        T? message = await ReadMessageAsync(parser, Context.CancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            GrpcErrors.ThrowEndOfStream(midMessage: false);
        }

        return message;
    }

    /// <summary>Buffers a response message; the end of the call flushes it together with the trailers.</summary>
    public void WriteMessage(IMessage message)
    {
        ThrowIfCompleted();
        GrpcFrame.Write(_http.Response.BodyWriter, message);
        _messageWritten = true;
    }

    /// <summary>Writes and flushes one message of a stream; concurrent writers are serialized.</summary>
    public async Task WriteMessageAsync(IMessage message, CancellationToken cancellationToken)
    {
        _writeLock ??= new SemaphoreSlim(1, 1);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            WriteMessage(message);
            FlushResult flushed = await _http.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flushed.IsCanceled || flushed.IsCompleted)
            {
                throw new OperationCanceledException("the client closed the stream", Context.CancellationToken);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Ends the call with its status: trailers after messages, or a trailers-only response before any.</summary>
    public void Complete(StatusCode code, string message)
    {
        _completed = true;
        HttpResponse response = _http.Response;
        if (!_messageWritten && !response.HasStarted)
        {
            IHeaderDictionary headers = response.Headers;
            headers[GrpcProtocol.StatusHeader] = GrpcProtocol.StatusText(code);
            if (message.Length > 0)
            {
                headers[GrpcProtocol.MessageHeader] = GrpcMessageEncoding.Encode(message);
            }

            if (Context.HasResponseTrailers)
            {
                foreach (var entry in Context.ResponseTrailers)
                {
                    headers.Append(entry.Key, entry.Value);
                }
            }

            return;
        }

        response.AppendTrailer(GrpcProtocol.StatusHeader, GrpcProtocol.StatusText(code));
        if (message.Length > 0)
        {
            response.AppendTrailer(GrpcProtocol.MessageHeader, GrpcMessageEncoding.Encode(message));
        }

        if (Context.HasResponseTrailers)
        {
            foreach (var entry in Context.ResponseTrailers)
            {
                response.AppendTrailer(entry.Key, entry.Value);
            }
        }
    }

    public void Dispose()
    {
        _completed = true;
        _deadlineSource?.Dispose();
    }

    private static T Parse<T>(MessageParser<T> parser, GrpcFrame frame)
        where T : IMessage<T>
    {
        if (frame.Flag != 0)
        {
            GrpcErrors.ThrowUnexpectedFlag(frame.Flag);
        }

        try
        {
            return parser.ParseFrom(frame.Message);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw GrpcErrors.Unmarshalling(GoStyleDetail(error));
        }
    }

    /// <summary>
    /// etcd's gogo/protobuf says "unexpected EOF" for a truncated message, the case clients hit; other parse
    /// failures keep Google.Protobuf's own text.
    /// </summary>
    private static string GoStyleDetail(InvalidProtocolBufferException error) =>
        error.Message.Contains("input ended unexpectedly", StringComparison.Ordinal) ? "unexpected EOF" : error.Message;

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("the call has already ended: no more messages can be written");
        }
    }
}
