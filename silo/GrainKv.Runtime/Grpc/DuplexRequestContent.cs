using System.Buffers;
using System.Net;
using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// A request body written while the call runs: HttpClient hands over the request stream, messages are framed
/// into it one at a time and flushed at once, and completing the content sends END_STREAM (half-close).
/// </summary>
internal sealed class DuplexRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public DuplexRequestContent()
    {
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    public async Task WriteAsync(IMessage message, CancellationToken cancellationToken)
    {
        Stream stream = await _stream.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        int length = message.CalculateSize();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(GrpcFrame.HeaderBytes + length);
        try
        {
            if (_completed.Task.IsCompleted)
            {
                throw new InvalidOperationException("the request stream was already completed");
            }

            GrpcFrame.WriteHeader(buffer, 0, length);
            message.WriteTo(buffer.AsSpan(GrpcFrame.HeaderBytes, length));
            await stream.WriteAsync(buffer.AsMemory(0, GrpcFrame.HeaderBytes + length), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _writeLock.Release();
        }
    }

    /// <summary>Half-closes once writes in flight are done.</summary>
    public async Task CompleteAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        _completed.TrySetResult();
        _writeLock.Release();
    }

    /// <summary>The call failed or ended before HttpClient asked for the body: writers stop waiting.</summary>
    public void Abort(Exception error)
    {
        _stream.TrySetException(error);
        _completed.TrySetResult();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _completed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
