using System.Diagnostics;
using System.Threading.Channels;
using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Client;

/// <summary>
/// An etcd Watch stream relayed from one of several endpoints: requests go in, responses come out in the
/// order the client must see them. When the upstream endpoint dies or ends the stream, the stream moves to
/// the next endpoint and resumes every watcher from the revision after the last one passed on
/// (<see cref="ResumableWatchState"/>), so the client sees no gap and no repeat. Only when no endpoint
/// answers for <see cref="ResumableWatchOptions.GiveUpAfter"/> does it end, with Unavailable.
/// </summary>
public sealed partial class ResumableWatchStream : IDisposable
{
    private const int ReceiveBatchMax = 128;

    /// <summary>An upstream stream that lasted this long counts as having worked, even if it had nothing to send.</summary>
    private static readonly TimeSpan HealthyAttempt = TimeSpan.FromSeconds(1);

    private readonly EtcdEndpoints _endpoints;
    private readonly ResumableWatchOptions _options;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly ResumableWatchState _state = new();
    private readonly Channel<WatchRequest> _requests = Channel.CreateUnbounded<WatchRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<WatchResponse> _responses;
    private readonly CancellationTokenSource _stopping = new();
    private bool _answered;
    private int _resumes = -1;

    public ResumableWatchStream(EtcdEndpoints endpoints, ResumableWatchOptions? options = null, ILogger? log = null)
    {
        _endpoints = endpoints;
        _options = options ?? new ResumableWatchOptions();
        _log = log ?? NullLogger.Instance;
        _responses = Channel.CreateBounded<WatchResponse>(new BoundedChannelOptions(_options.ResponseBuffer) { SingleWriter = true });
        _ = Task.Run(() => PumpAsync(_stopping.Token));
    }

    /// <summary>How many times the stream opened an upstream again after its first, failed attempts included.</summary>
    public int Resumes => Math.Max(0, Volatile.Read(ref _resumes));

    public void Send(WatchRequest request) => _requests.Writer.TryWrite(request);

    /// <summary>The next responses, waiting until there are some; throws <see cref="RpcException"/> once the stream gave up.</summary>
    public async Task<IReadOnlyList<WatchResponse>> ReceiveAsync(CancellationToken ct)
    {
        WatchResponse first;
        try
        {
            first = await _responses.Reader.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException closed) when (closed.InnerException is RpcException failure)
        {
            throw new RpcException(failure.Status);
        }
        var batch = new List<WatchResponse> { first };
        while (batch.Count < ReceiveBatchMax && _responses.Reader.TryRead(out var next)) batch.Add(next);
        return batch;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _requests.Writer.TryComplete();
    }

    private async Task PumpAsync(CancellationToken stopping)
    {
        var endpoint = _endpoints.Current;
        var failingSince = Stopwatch.GetTimestamp();
        while (!stopping.IsCancellationRequested)
        {
            Exception failure;
            if (endpoint is null)
            {
                failure = new InvalidOperationException("no endpoint is known");
            }
            else
            {
                var started = Stopwatch.GetTimestamp();
                _answered = false;
                try
                {
                    await RelayAsync(endpoint, stopping).ConfigureAwait(false);
                    failure = new IOException($"{endpoint} ended the watch stream");
                }
                catch (Exception error) when (!stopping.IsCancellationRequested)
                {
                    failure = error;
                }
                catch (Exception)
                {
                    break;
                }
                // An endpoint that answered, or held the stream for a while, was up until now: the failing starts here.
                if (_answered || Stopwatch.GetElapsedTime(started) > HealthyAttempt) failingSince = Stopwatch.GetTimestamp();
                LogUpstreamLost(endpoint, ReasonOf(failure));
                endpoint = _endpoints.MoveOn(endpoint);
            }
            if (Stopwatch.GetElapsedTime(failingSince) > _options.GiveUpAfter)
            {
                _responses.Writer.TryComplete(new RpcException(new Status(StatusCode.Unavailable,
                    $"grainkv: no endpoint answered the watch for {_options.GiveUpAfter.TotalSeconds:0} s: {ReasonOf(failure)}", failure)));
                return;
            }
            try
            {
                await Task.Delay(_options.RetryDelay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            endpoint ??= _endpoints.Current;
        }
        _responses.Writer.TryComplete();
    }

    /// <summary>One upstream stream: rebuilds the client's watchers on it, then relays both ways until it breaks.</summary>
    private async Task RelayAsync(Uri endpoint, CancellationToken stopping)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var call = new Etcdserverpb.Watch.WatchClient(_endpoints.Connection(endpoint)).Watch(cancellationToken: attempt.Token);
        IReadOnlyList<WatchRequest> resume;
        int watchers;
        lock (_gate)
        {
            resume = _state.Resume();
            watchers = _state.WatcherCount;
        }
        if (Interlocked.Increment(ref _resumes) > 0) LogResuming(endpoint, watchers);
        foreach (var request in resume) await call.RequestStream.WriteAsync(request, attempt.Token).ConfigureAwait(false);
        var writer = WriteRequestsAsync(call, attempt);
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(attempt.Token).ConfigureAwait(false))
            {
                _answered = true;
                IReadOnlyList<WatchResponse> relayed;
                lock (_gate) relayed = _state.FromUpstream(response);
                foreach (var r in relayed) await _responses.Writer.WriteAsync(r, attempt.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            await attempt.CancelAsync().ConfigureAwait(false);
            await writer.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Passes the client's requests upstream. A request is noted in the state the moment it is taken, so one
    /// the upstream never got is sent again by the next resume. A failed write ends the attempt.
    /// </summary>
    private async Task WriteRequestsAsync(AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call, CancellationTokenSource attempt)
    {
        try
        {
            while (await _requests.Reader.WaitToReadAsync(attempt.Token).ConfigureAwait(false))
            {
                while (true)
                {
                    WatchRequest upstream;
                    lock (_gate)
                    {
                        if (!_requests.Reader.TryRead(out var request)) break;
                        upstream = _state.FromClient(request);
                    }
                    await call.RequestStream.WriteAsync(upstream, attempt.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception)
        {
            await attempt.CancelAsync().ConfigureAwait(false);
        }
    }

    private static string ReasonOf(Exception failure) => failure is RpcException rpc ? rpc.Status.Detail : failure.Message;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch stream lost its upstream {Endpoint}: {Reason}")]
    private partial void LogUpstreamLost(Uri endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch stream resuming on {Endpoint} with {Watchers} watchers")]
    private partial void LogResuming(Uri endpoint, int watchers);
}
