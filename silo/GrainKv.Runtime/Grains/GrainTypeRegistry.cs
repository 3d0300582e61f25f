namespace GrainKv.Runtime;

/// <summary>The registered grain interfaces and classes, looked up by interface type and by grain type name.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainInterface> _interfaces = [];
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
                    $"Grain interface {interfaceType} is served by both {existing.Class.Type} and {classType}.", nameof(registrations));
            }
            _interfaces.Add(interfaceType, new GrainInterface(interfaceType, grainClass));
        }
    }

    public GrainInterface GetInterface(Type interfaceType) =>
        _interfaces.TryGetValue(interfaceType, out var grainInterface)
            ? grainInterface
            : throw new InvalidOperationException($"No grain class serves {interfaceType}; register one with GrainRuntimeOptions.AddGrain.");

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
