namespace GrainKv.Runtime;

/// <summary>What the runtime offers one activation; <see cref="Grain"/> reaches it through <see cref="IGrainBase.GrainContext"/>.</summary>
public interface IGrainContext
{
    GrainId GrainId { get; }

    IGrainFactory GrainFactory { get; }

    /// <summary>Deactivates the activation once its running calls have finished; a later call activates it again.</summary>
    void Deactivate(DeactivationReason reason);

    /// <summary>
    /// Calls <paramref name="callback"/> after <paramref name="dueTime"/>, then every
    /// <paramref name="period"/> after the previous callback finished (<see cref="Timeout.InfiniteTimeSpan"/>: once).
    /// Each callback is a turn of the activation. Disposing the timer stops it and cancels the callback's token.
    /// </summary>
    IDisposable RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period);
}
