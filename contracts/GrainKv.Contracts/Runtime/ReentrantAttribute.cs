namespace GrainKv.Runtime;

/// <summary>
/// Every call to the grain class interleaves with the others at their awaits; code between awaits
/// still runs one piece at a time.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute;
