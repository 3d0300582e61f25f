namespace GrainKv.Testing.Linearizability;

/// <summary>A checked history has no linearization (or the search could not decide within its budget).</summary>
public sealed class NotLinearizableException(string message, LinearizabilityResult result) : Exception(message)
{
    public LinearizabilityResult Result { get; } = result;
}
