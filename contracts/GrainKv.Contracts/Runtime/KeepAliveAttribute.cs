namespace GrainKv.Runtime;

/// <summary>Activations of the grain class are never collected for idleness, only at shutdown or on request.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class KeepAliveAttribute : Attribute;
