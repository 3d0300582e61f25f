namespace GrainKv.Runtime.Grpc;

/// <summary>
/// The cancellation of one client call: the caller's token, the call's deadline and, for calls that can be
/// abandoned (duplex), disposal. Knows which of them fired, so failures surface as gRPC statuses.
/// </summary>
internal sealed class GrpcCallScope : IDisposable
{
    private readonly CancellationTokenSource? _source;
    private readonly CancellationToken _callerToken;
    private bool _disposed;

    public GrpcCallScope(TimeSpan? timeout, CancellationToken callerToken, bool abandonable = false)
    {
        _callerToken = callerToken;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            timeout = null;
        }

        if (timeout is not null || abandonable)
        {
            _source = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
            if (timeout is { } deadline)
            {
                _source.CancelAfter(deadline < TimeSpan.Zero ? TimeSpan.Zero : deadline);
            }
        }

        Token = _source?.Token ?? callerToken;
    }

    public CancellationToken Token { get; }

    private bool TimedOut => _source is { IsCancellationRequested: true } && !_callerToken.IsCancellationRequested && !_disposed;

    /// <summary>
    /// The exception to throw instead of <paramref name="error"/>, or null to let it through: a passed deadline
    /// becomes DeadlineExceeded, a transport failure Unavailable; the caller's own cancellation stays an
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public Exception? Translate(Exception error) => error switch
    {
        RpcException => null,
        OperationCanceledException or HttpRequestException or IOException when TimedOut =>
            new RpcException(StatusCode.DeadlineExceeded, GrpcErrors.DeadlineExceededMessage, error),
        OperationCanceledException => null,
        // The transport's exception stays inside: it tells whether the request ever left (RpcException.NeverSent).
        HttpRequestException or IOException => new RpcException(StatusCode.Unavailable, error.Message, error),
        _ => null,
    };

    /// <summary>Cancels whatever of the call is still running, then releases the timer.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _source?.Cancel();
        _source?.Dispose();
    }
}
