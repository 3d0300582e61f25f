using System.Reflection;

namespace GrainKv.Runtime;

/// <summary>
/// A registered grain interface: the class serving it and one <see cref="GrainMethod"/> per
/// method, numbered by sorted signature so that every silo running the same contracts agrees on
/// the method ids a remote call carries.
/// </summary>
internal sealed class GrainInterface
{
    private readonly Dictionary<MethodInfo, GrainMethod> _methods;
    private readonly GrainMethod[] _methodsById;

    public GrainInterface(Type type, GrainClass grainClass)
    {
        if (!IsGrainInterface(type)) throw new ArgumentException($"{type} is not a grain interface.", nameof(type));
        Type = type;
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

    public GrainClass Class { get; }

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
