using System.Reflection;

namespace GrainKv.Runtime;

/// <summary>
/// A grain interface: the grain type serving it (and on a silo, its class) and one <see cref="GrainMethod"/>
/// per method, numbered by sorted signature so that every silo and client running the same contracts
/// agrees on the method ids a remote call carries.
/// </summary>
internal sealed class GrainInterface
{
    private readonly Dictionary<MethodInfo, GrainMethod> _methods;
    private readonly GrainMethod[] _methodsById;

    /// <summary>An interface served by <paramref name="grainClass"/> on this silo.</summary>
    public GrainInterface(Type type, GrainClass grainClass)
        : this(type, grainClass.GrainType, grainClass.IsReentrant, grainClass)
    {
    }

    /// <summary>An interface a cluster client calls: the grain type is all it knows of the class behind it.</summary>
    public GrainInterface(Type type, string grainType)
        : this(type, grainType, isReentrant: false, grainClass: null)
    {
    }

    private GrainInterface(Type type, string grainType, bool isReentrant, GrainClass? grainClass)
    {
        if (!IsGrainInterface(type)) throw new ArgumentException($"{type} is not a grain interface.", nameof(type));
        Type = type;
        GrainType = grainType;
        IsReentrant = isReentrant;
        Class = grainClass;
        var methods = type.GetInterfaces().Prepend(type)
            .SelectMany(declaring => declaring.GetMethods())
            .OrderBy(Signature, StringComparer.Ordinal)
            .ToArray();
        _methods = new Dictionary<MethodInfo, GrainMethod>(methods.Length);
        _methodsById = new GrainMethod[methods.Length];
        for (var methodId = 0; methodId < methods.Length; methodId++)
        {
            _methodsById[methodId] = GrainMethod.Create(this, methods[methodId], methodId);
            _methods.Add(methods[methodId], _methodsById[methodId]);
        }
    }

    public Type Type { get; }

    /// <summary>The grain type of the grains behind it, the first part of their <see cref="GrainId"/>.</summary>
    public string GrainType { get; }

    public bool IsReentrant { get; }

    /// <summary>The class serving it on this silo; none in a cluster client.</summary>
    public GrainClass? Class { get; }

    public GrainMethod GetMethod(MethodInfo method) =>
        _methods.TryGetValue(method, out var grainMethod)
            ? grainMethod
            : throw new InvalidOperationException($"{method} is not a method of grain interface {Type}.");

    public GrainMethod GetMethod(int methodId) =>
        (uint)methodId < (uint)_methodsById.Length
            ? _methodsById[methodId]
            : throw new InvalidOperationException($"Grain interface {Type} has no method {methodId}.");

    public static bool IsGrainInterface(Type type) =>
        type.IsInterface
        && !type.IsGenericTypeDefinition
        && typeof(IGrain).IsAssignableFrom(type)
        && type != typeof(IGrain) && type != typeof(IGrainWithStringKey) && type != typeof(IGrainWithIntegerKey);

    private static string Signature(MethodInfo method) =>
        $"{method.DeclaringType!.FullName}.{method.Name}({string.Join(',', method.GetParameters().Select(p => p.ParameterType.FullName))})";
}
