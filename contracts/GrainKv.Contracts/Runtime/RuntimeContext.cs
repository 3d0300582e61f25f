using System.Runtime.CompilerServices;

// The runtime sets the context of the grain it is constructing; nothing else may.
[assembly: InternalsVisibleTo("GrainKv.Runtime")]

namespace GrainKv.Runtime;

/// <summary>
/// The activation whose grain object is being constructed on this thread, so that a grain class
/// with a parameterless base constructor call still gets its context.
/// </summary>
internal static class RuntimeContext
{
    [ThreadStatic]
    private static IGrainContext? s_constructing;

    public static IGrainContext? Constructing => s_constructing;

    /// <summary>Makes <paramref name="context"/> the constructing one until the returned scope is disposed.</summary>
    public static ConstructionScope BeginConstruction(IGrainContext context)
    {
        var previous = s_constructing;
        s_constructing = context;
        return new ConstructionScope(previous);
    }

    internal readonly struct ConstructionScope(IGrainContext? previous) : IDisposable
    {
        public void Dispose() => s_constructing = previous;
    }
}
