using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime;

/// <summary>
/// A timer of one activation. Each due time enqueues the timer itself as a turn; the next due
/// time is counted from the end of that turn, so callbacks never overlap.
/// </summary>
internal sealed partial class GrainTimer : GrainWorkItem, IDisposable
{
    private readonly GrainActivation _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly TimeSpan _period;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposal = new();
    private readonly CancellationToken _disposed;
    private readonly ITimer _timer;

    public GrainTimer(GrainActivation activation, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period,
        TimeProvider time, ILogger logger)
    {
        _activation = activation;
        _callback = callback;
        _period = period;
        _logger = logger;
        _disposed = _disposal.Token;
        _timer = time.CreateTimer(static state => ((GrainTimer)state!).OnDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
    }

    public override bool Interleaves => _activation.Class.IsReentrant;

    public override bool IsActivity => false;

    public override async Task RunAsync(object grain)
    {
        if (_disposed.IsCancellationRequested) return;
        try
        {
            await _callback(_disposed).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // A callback cancelled by disposing its timer has not failed.
            if (!_disposed.IsCancellationRequested) LogCallbackFailed(_logger, _activation.GrainId, exception);
        }
        if (!_disposed.IsCancellationRequested && _period != Timeout.InfiniteTimeSpan)
        {
            _timer.Change(_period, Timeout.InfiniteTimeSpan);
        }
    }

    public override void Fail(Exception exception)
    {
        // The activation failed; it disposes its timers.
    }

    public override void OnActivationGone(GrainCatalog catalog)
    {
        // A timer belongs to its activation and ends with it.
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested) return;
        _disposal.Cancel();
        _timer.Dispose();
        _activation.RemoveTimer(this);
    }

    private void OnDue()
    {
        if (!_disposed.IsCancellationRequested) _activation.Enqueue(this);
    }
}
