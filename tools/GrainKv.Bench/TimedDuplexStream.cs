using System.Diagnostics;
using Grpc.Core;

namespace GrainKv.Bench;

/// <summary>
/// A streaming call of a benchmark run whose responses one reader task takes, each stamped with the moment it
/// arrived. Failures after the run began closing it are the closing, not the stream's, and are not reported.
/// </summary>
public abstract class TimedDuplexStream<TRequest, TResponse> : IAsyncDisposable
{
    private Task _reader = Task.CompletedTask;
    private volatile bool _closing;

    protected TimedDuplexStream(AsyncDuplexStreamingCall<TRequest, TResponse> call)
    {
        Call = call;
    }

    protected AsyncDuplexStreamingCall<TRequest, TResponse> Call { get; }

    /// <summary>Completes when the reader stopped: the server ended the call, it failed, or it was disposed.</summary>
    protected Task Reader => _reader;

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        Call.Dispose();
        await _reader;
    }

    /// <summary>Starts the reader; a derived constructor calls it last, once the state its handlers use is set.</summary>
    protected void StartReading() => _reader = ReadAsync();

    /// <summary>Handles one response; false stops reading.</summary>
    protected abstract bool OnResponse(TResponse response, long receivedTimestamp);

    /// <summary>The stream failed before the run closed it: the call broke, or a handler said so through <see cref="Fail"/>.</summary>
    protected abstract void OnFailed(string reason);

    /// <summary>Reports a failure unless the run is closing the stream.</summary>
    protected void Fail(string reason)
    {
        if (!_closing)
        {
            OnFailed(reason);
        }
    }

    /// <summary>What the server ending the call means: by default nothing.</summary>
    protected virtual void OnEnded()
    {
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (TResponse response in Call.ResponseStream.ReadAllAsync())
            {
                if (!OnResponse(response, Stopwatch.GetTimestamp()))
                {
                    return;
                }
            }

            OnEnded();
        }
        catch (Exception error) when (CallFailure.IsCallOver(error, CancellationToken.None))
        {
            Fail(CallFailure.Describe(error));
        }
    }
}
