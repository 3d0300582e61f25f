namespace GrainKv.Testing.Linearizability;

public enum LinearizabilityVerdict
{
    Linearizable,
    NotLinearizable,

    /// <summary>The search ran out of its step budget before deciding.</summary>
    Unknown,
}
