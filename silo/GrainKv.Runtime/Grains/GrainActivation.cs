using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime;

/// <summary>
/// One activation of one grain: the grain object, its lifecycle and its turns. All of its code
/// runs on an exclusive scheduler, so the pieces between awaits never run in parallel. On top of
/// that a call that does not interleave starts only when no other turn is running and keeps the
/// activation to itself until its task completes, across its awaits; calls wait in arrival order.
/// </summary>
internal sealed partial class GrainActivation : IGrainContext
{
    // Bounds how many turns of one activation run before its scheduler yields the thread to others.
    private const int TurnsPerDispatchMax = 64;

    private readonly Lock _sync = new();
    private readonly Queue<GrainWorkItem> _waiting = new();
    private readonly List<GrainTimer> _timers = [];
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly GrainCatalog _catalog;
    private readonly TaskScheduler _scheduler;
    private GrainActivationState _state = GrainActivationState.Created;
    private DeactivationReason? _requestedDeactivation;
    private int _runningCount;
    private long _lastActivityTimestamp;
    private object? _grain;

    public GrainActivation(GrainId grainId, GrainClass grainClass, GrainCatalog catalog)
    {
        GrainId = grainId;
        Class = grainClass;
        _catalog = catalog;
        _scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, 1, TurnsPerDispatchMax).ExclusiveScheduler;
        _lastActivityTimestamp = catalog.Time.GetTimestamp();
    }

    public GrainId GrainId { get; }

    public GrainClass Class { get; }

    public IGrainFactory GrainFactory => _catalog.GrainFactory;

    /// <summary>Completes once the activation has left the catalog, deactivated or failed to activate.</summary>
    public Task Deactivated => _deactivated.Task;

    /// <summary>Runs <paramref name="item"/> as a turn when its turn comes; false if the activation is gone.</summary>
    public bool Enqueue(GrainWorkItem item)
    {
        lock (_sync)
        {
            switch (_state)
            {
                case GrainActivationState.Invalid:
                    return false;
                case GrainActivationState.Created:
                    _waiting.Enqueue(item);
                    _state = GrainActivationState.Activating;
                    RunOnScheduler(ActivateAsync);
                    return true;
                case GrainActivationState.Valid when item.Interleaves && _requestedDeactivation is null:
                    StartLocked(item);
                    return true;
                default:
                    _waiting.Enqueue(item);
                    PumpLocked();
                    return true;
            }
        }
    }

    public void Deactivate(DeactivationReason reason)
    {
        lock (_sync) RequestDeactivationLocked(reason);
    }

    /// <summary>Starts deactivating if nothing ran for <paramref name="age"/>; true if it did.</summary>
    public bool TryCollectIdle(long nowTimestamp, TimeSpan age)
    {
        lock (_sync)
        {
            if (Class.IsKeepAlive
                || _state != GrainActivationState.Valid
                || _requestedDeactivation is not null
                || _runningCount > 0
                || _waiting.Count > 0
                || _catalog.Time.GetElapsedTime(_lastActivityTimestamp, nowTimestamp) < age)
            {
                return false;
            }
            RequestDeactivationLocked(new DeactivationReason(DeactivationReasonCode.ActivationIdle, $"Idle for at least {age}."));
            return true;
        }
    }

    public IDisposable RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_sync)
        {
            if (_state is GrainActivationState.Deactivating or GrainActivationState.Invalid)
            {
                throw new InvalidOperationException($"Grain {GrainId} is deactivating; it can register no timer.");
            }
            var timer = new GrainTimer(this, callback, dueTime, period, _catalog.Time, _catalog.ActivationLogger);
            _timers.Add(timer);
            return timer;
        }
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_sync) _timers.Remove(timer);
    }

    private void RequestDeactivationLocked(DeactivationReason reason)
    {
        if (_requestedDeactivation is not null || _state is GrainActivationState.Deactivating or GrainActivationState.Invalid) return;
        _requestedDeactivation = reason;
        PumpLocked();
    }

    /// <summary>Starts what may start now: waiting items in order, or the deactivation once nothing runs.</summary>
    private void PumpLocked()
    {
        if (_state != GrainActivationState.Valid) return;
        if (_requestedDeactivation is not null)
        {
            if (_runningCount == 0)
            {
                _state = GrainActivationState.Deactivating;
                RunOnScheduler(DeactivateAsync);
            }
            return;
        }
        while (_waiting.TryPeek(out var next))
        {
            if (!next.Interleaves && _runningCount > 0) return;
            _waiting.Dequeue();
            StartLocked(next);
            if (!next.Interleaves) return;
        }
    }

    private void StartLocked(GrainWorkItem item)
    {
        _runningCount++;
        _ = Task.Factory.StartNew(
            static state =>
            {
                var (activation, item) = ((GrainActivation, GrainWorkItem))state!;
                return activation.RunTurnAsync(item);
            },
            (this, item), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler);
    }

    private async Task RunTurnAsync(GrainWorkItem item)
    {
        await item.RunAsync(_grain!).ConfigureAwait(false);
        lock (_sync)
        {
            _runningCount--;
            if (item.IsActivity) _lastActivityTimestamp = _catalog.Time.GetTimestamp();
            PumpLocked();
        }
    }

    private void RunOnScheduler(Func<Task> step) =>
        _ = Task.Factory.StartNew(step, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler);

    private async Task ActivateAsync()
    {
        try
        {
            using (RuntimeContext.BeginConstruction(this))
            {
                _grain = Class.Factory(_catalog.Services, null);
            }
            if (_grain is IGrainBase lifecycle)
            {
                using var timeout = new CancellationTokenSource(_catalog.Options.ActivationTimeout, _catalog.Time);
                await lifecycle.OnActivateAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            LogActivationFailed(_catalog.ActivationLogger, GrainId, exception);
            DisposeTimers();
            foreach (var item in Retire()) item.Fail(exception);
            return;
        }
        lock (_sync)
        {
            _state = GrainActivationState.Valid;
            _lastActivityTimestamp = _catalog.Time.GetTimestamp();
            PumpLocked();
        }
    }

    private async Task DeactivateAsync()
    {
        DisposeTimers();
        var reason = _requestedDeactivation!.Value;
        try
        {
            if (_grain is IGrainBase lifecycle)
            {
                using var timeout = new CancellationTokenSource(_catalog.Options.DeactivationTimeout, _catalog.Time);
                await lifecycle.OnDeactivateAsync(reason, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            LogDeactivationFailed(_catalog.ActivationLogger, GrainId, reason, exception);
        }
        LogDeactivated(_catalog.ActivationLogger, GrainId, reason);
        foreach (var item in Retire()) item.OnActivationGone(_catalog);
    }

    private void DisposeTimers()
    {
        GrainTimer[] timers;
        lock (_sync) timers = [.. _timers];
        foreach (var timer in timers) timer.Dispose();
    }

    /// <summary>Leaves the catalog first, so that items handed back after this go to a new activation.</summary>
    private GrainWorkItem[] Retire()
    {
        _catalog.Remove(this);
        GrainWorkItem[] waiting;
        lock (_sync)
        {
            _state = GrainActivationState.Invalid;
            waiting = [.. _waiting];
            _waiting.Clear();
        }
        _deactivated.TrySetResult();
        return waiting;
    }
}
