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
        // Orleans' convention: ReplicaGrain has grain type "replica".
        var name = type.Name.EndsWith(GrainSuffix, StringComparison.Ordinal) && type.Name.Length > GrainSuffix.Length
            ? type.Name[..^GrainSuffix.Length]
            : type.Name;
        GrainType = name.ToLowerInvariant();
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
}
