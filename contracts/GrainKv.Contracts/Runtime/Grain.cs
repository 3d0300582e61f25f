namespace GrainKv.Runtime;

/// <summary>
/// Base class of grain classes. The runtime creates the object through dependency injection on
/// the first call to its grain id, and calls it one turn at a time.
/// </summary>
public abstract class Grain : IGrainBase
{
    /// <summary>For grain classes the runtime constructs.</summary>
    protected Grain()
        : this(RuntimeContext.Constructing
            ?? throw new InvalidOperationException("Grains are created by the grain runtime; get one through IGrainFactory.GetGrain."))
    {
    }

    /// <summary>For constructing a grain outside the runtime, e.g. in a unit test with a context of its own.</summary>
    protected Grain(IGrainContext grainContext)
    {
        GrainContext = grainContext;
    }

    public IGrainContext GrainContext { get; }

    public GrainId GrainId => GrainContext.GrainId;

    protected IGrainFactory GrainFactory => GrainContext.GrainFactory;

    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation after the current call finishes.</summary>
    protected void DeactivateOnIdle() =>
        GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called."));

    /// <inheritdoc cref="IGrainContext.RegisterGrainTimer"/>
    protected IDisposable RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        GrainContext.RegisterGrainTimer(callback, dueTime, period);
}
