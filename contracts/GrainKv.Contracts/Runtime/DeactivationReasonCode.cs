namespace GrainKv.Runtime;

public enum DeactivationReasonCode
{
    None,
    /// <summary>The grain asked for it with <see cref="Grain.DeactivateOnIdle"/>.</summary>
    ApplicationRequested,
    /// <summary>The activation was idle longer than the collection age.</summary>
    ActivationIdle,
    /// <summary>The silo is stopping.</summary>
    ShuttingDown,
}
