using System.Buffers;
using System.Net;
using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// A request body known up front: one framed message in a pooled buffer, or raw bytes as given. The pooled
/// buffer goes back only when both the request is disposed and no serialization is running, because
/// HttpClient may still be copying it when the response has already ended.
/// </summary>
internal sealed class GrpcRequestContent : HttpContent
{
    private readonly ReadOnlyMemory<byte> _body;
    private byte[]? _pooled;
    private int _users = 1;
    private int _disposed;

    private GrpcRequestContent(ReadOnlyMemory<byte> body, byte[]? pooled)
    {
        _body = body;
        _pooled = pooled;
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    public static GrpcRequestContent ForMessage(IMessage message)
    {
        int length = message.CalculateSize();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(GrpcFrame.HeaderBytes + length);
        GrpcFrame.WriteHeader(buffer, 0, length);
        message.WriteTo(buffer.AsSpan(GrpcFrame.HeaderBytes, length));
        return new GrpcRequestContent(buffer.AsMemory(0, GrpcFrame.HeaderBytes + length), buffer);
    }

    public static GrpcRequestContent ForBody(ReadOnlyMemory<byte> body) => new(body, null);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _users) == 1)
        {
            Interlocked.Decrement(ref _users);
            throw new ObjectDisposedException(nameof(GrpcRequestContent));
        }

        try
        {
            await stream.WriteAsync(_body, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Release();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        // grpc clients send no content-length; the end of the request is END_STREAM.
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Release();
        }

        base.Dispose(disposing);
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _users) == 0 && Interlocked.Exchange(ref _pooled, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
