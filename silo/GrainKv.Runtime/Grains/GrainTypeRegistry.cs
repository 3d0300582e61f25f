namespace GrainKv.Runtime;

/// <summary>The registered grain interfaces and classes, looked up by interface type and by grain type name.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainInterface> _interfaces = [];
    private readonly Dictionary<string, GrainInterface> _interfacesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, GrainClass> _classesByType = [];
    private readonly Dictionary<string, GrainClass> _classesByGrainType = new(StringComparer.Ordinal);

    public GrainTypeRegistry(IEnumerable<GrainRegistration> registrations)
    {
        foreach (var (interfaceType, classType) in registrations)
        {
            if (!interfaceType.IsAssignableFrom(classType))
            {
                throw new ArgumentException($"Grain class {classType} does not implement {interfaceType}.", nameof(registrations));
            }
            var grainClass = GetOrAddClass(classType);
            if (_interfaces.TryGetValue(interfaceType, out var existing))
            {
                if (existing.Class == grainClass) continue;
                throw new ArgumentException(
                    $"Grain interface {interfaceType} is served by both {existing.Class!.Type} and {classType}.", nameof(registrations));
            }
            var grainInterface = new GrainInterface(interfaceType, grainClass);
            _interfaces.Add(interfaceType, grainInterface);
            _interfacesByName.Add(interfaceType.FullName!, grainInterface);
        }
    }

    public GrainInterface GetInterface(Type interfaceType) =>
        _interfaces.TryGetValue(interfaceType, out var grainInterface)
            ? grainInterface
            : throw new InvalidOperationException($"No grain class serves {interfaceType}; register one with GrainRuntimeOptions.AddGrain.");

    /// <summary>The interface with full type name <paramref name="interfaceName"/>: how a call from another silo names it.</summary>
    public GrainInterface GetInterface(string interfaceName) =>
        _interfacesByName.TryGetValue(interfaceName, out var grainInterface)
            ? grainInterface
            : throw new InvalidOperationException($"No grain class serves grain interface '{interfaceName}' on this silo.");

    public GrainClass GetClass(string grainType) =>
        _classesByGrainType.TryGetValue(grainType, out var grainClass)
            ? grainClass
            : throw new InvalidOperationException($"No grain class has grain type '{grainType}'.");

    private GrainClass GetOrAddClass(Type classType)
    {
        if (_classesByType.TryGetValue(classType, out var known)) return known;
        var grainClass = new GrainClass(classType);
        if (_classesByGrainType.TryGetValue(grainClass.GrainType, out var clash))
        {
            throw new ArgumentException(
                $"Grain classes {clash.Type} and {classType} have the same grain type '{grainClass.GrainType}'.", nameof(classType));
        }
        _classesByType.Add(classType, grainClass);
        _classesByGrainType.Add(grainClass.GrainType, grainClass);
        return grainClass;
    }
}
