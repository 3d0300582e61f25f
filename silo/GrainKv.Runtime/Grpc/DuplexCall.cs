using Google.Protobuf;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// A bidirectional streaming call in progress: writes and reads are independent and may interleave.
/// Disposing it cancels the call (RST_STREAM) if it has not ended.
/// </summary>
public sealed class DuplexCall<TRequest, TResponse> : IAsyncDisposable, IDisposable
    where TRequest : IMessage
    where TResponse : IMessage<TResponse>
{
    private readonly DuplexRequestContent _content;
    private readonly Task<HttpResponseMessage> _responseTask;
    private readonly MessageParser<TResponse> _parser;
    private readonly GrpcCallScope _scope;
    private readonly int _maxMessageBytes;

    internal DuplexCall(DuplexRequestContent content, Task<HttpResponseMessage> responseTask, MessageParser<TResponse> parser,
        GrpcCallScope scope, int maxMessageBytes)
    {
        _content = content;
        _responseTask = responseTask;
        _parser = parser;
        _scope = scope;
        _maxMessageBytes = maxMessageBytes;
        _ = responseTask.ContinueWith(
            static (task, state) => ((DuplexRequestContent)state!).Abort(task.Exception?.InnerException ?? new OperationCanceledException()),
            content, CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
    }

    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        try
        {
            await _content.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (_scope.Translate(error) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Half-closes the request stream: the server sees the end of its requests.</summary>
    public Task CompleteAsync() => _content.CompleteAsync();

    /// <summary>The responses until the server ends the call; a non-OK status throws <see cref="RpcException"/> at the end.</summary>
    public async IAsyncEnumerable<TResponse> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _scope.Token);
        GrpcClientResponse response;
        try
        {
            response = GrpcClientResponse.Start(await _responseTask.WaitAsync(linked.Token).ConfigureAwait(false), _maxMessageBytes);
        }
        catch (Exception error) when (_scope.Translate(error) is { } translated)
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
                    message = await response.ReadMessageAsync(_parser, linked.Token).ConfigureAwait(false);
                }
                catch (Exception error) when (_scope.Translate(error) is { } translated)
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

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        _scope.Dispose();
        _content.Abort(new ObjectDisposedException(nameof(DuplexCall<TRequest, TResponse>)));
        if (_responseTask.IsCompletedSuccessfully)
        {
            _responseTask.Result.Dispose();
        }
    }
}
