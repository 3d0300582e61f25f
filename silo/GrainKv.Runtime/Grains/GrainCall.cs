namespace GrainKv.Runtime;

/// <summary>
/// A call of a grain method: target, method and arguments, which is all that another silo would
/// need to run it. A call within the silo passes the argument objects as they are.
/// </summary>
internal abstract class GrainCall : GrainWorkItem
{
    protected GrainCall(GrainId target, GrainMethod method, object?[] arguments)
    {
        Target = target;
        Method = method;
        Arguments = arguments;
    }

    public GrainId Target { get; }

    public GrainMethod Method { get; }

    public object?[] Arguments { get; }

    public override bool Interleaves => Method.Interleaves;

    public override bool IsActivity => true;

    /// <summary>Completes the call with the result another silo sent back.</summary>
    public abstract void Complete(object? result);

    /// <summary>A call whose activation went away runs on the next activation of its grain.</summary>
    public override void OnActivationGone(GrainCatalog catalog) => catalog.Dispatch(this);
}

/// <summary>A grain call the caller awaits through <see cref="Completion"/>.</summary>
internal sealed class GrainCall<TResult> : GrainCall
{
    // Continuations run off the activation, so that a caller's code never runs inside the callee's turn.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly GrainMethod<TResult> _method;

    public GrainCall(GrainId target, GrainMethod<TResult> method, object?[] arguments)
        : base(target, method, arguments)
    {
        _method = method;
    }

    public Task<TResult> Completion => _completion.Task;

    public override async Task RunAsync(object grain)
    {
        try
        {
            _completion.SetResult(await _method.Invoke(grain, Arguments).ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            // The caller sees the very exception the grain threw.
            _completion.SetException(exception);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    public override void Complete(object? result) => _completion.TrySetResult((TResult)result!);
}
