namespace GrainKv.Runtime;

/// <summary>Calls to this grain interface method interleave with any other call, even on a non-reentrant grain.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class AlwaysInterleaveAttribute : Attribute;
