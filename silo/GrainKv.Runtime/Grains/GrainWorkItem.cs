namespace GrainKv.Runtime;

/// <summary>Something an activation runs as a turn: a grain call or a timer callback.</summary>
internal abstract class GrainWorkItem
{
    /// <summary>May start while other turns of the activation wait at an await.</summary>
    public abstract bool Interleaves { get; }

    /// <summary>Resets the activation's idle time; timer callbacks do not, so a grain with a timer can still be collected.</summary>
    public abstract bool IsActivity { get; }

    /// <summary>Runs the item on the activation's scheduler; completes when the turn ends and never faults.</summary>
    public abstract Task RunAsync(object grain);

    /// <summary>The activation failed to activate before the item ran.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>The activation was deactivated before the item ran.</summary>
    public abstract void OnActivationGone(GrainCatalog catalog);
}
