using Microsoft.Extensions.DependencyInjection;

namespace GrainKv.Runtime;

/// <summary>A registered grain class: its grain type name, its concurrency and lifetime attributes, and how to create it.</summary>
internal sealed class GrainClass
{
    private const string GrainSuffix = "Grain";

    public GrainClass(Type type)
    {
        if (type.IsGenericType) throw new ArgumentException($"Generic grain class {type} is not supported.", nameof(type));
        Type = type;
        GrainType = GrainTypeOf(type.Name);
        IsReentrant = type.IsDefined(typeof(ReentrantAttribute), inherit: true);
        IsKeepAlive = type.IsDefined(typeof(KeepAliveAttribute), inherit: true);
        Factory = ActivatorUtilities.CreateFactory(type, Type.EmptyTypes);
    }

    public Type Type { get; }

    public string GrainType { get; }

    public bool IsReentrant { get; }

    public bool IsKeepAlive { get; }

    /// <summary>Creates the grain object, its constructor's parameters coming from dependency injection.</summary>
    public ObjectFactory Factory { get; }

    /// <summary>
    /// The grain type a cluster client, which knows no classes, gives a grain interface: the type of the class
    /// named like it, so IReplicaGrain is "replica" as ReplicaGrain is.
    /// </summary>
    public static string GrainTypeOfInterface(Type grainInterface) =>
        GrainTypeOf(grainInterface.Name is ['I', var second, ..] name && char.IsUpper(second) ? name[1..] : grainInterface.Name);

    /// <summary>Orleans' convention: ReplicaGrain has grain type "replica".</summary>
    private static string GrainTypeOf(string className)
    {
        var name = className.EndsWith(GrainSuffix, StringComparison.Ordinal) && className.Length > GrainSuffix.Length
            ? className[..^GrainSuffix.Length]
            : className;
        return name.ToLowerInvariant();
    }
}
