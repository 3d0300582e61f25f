using System.Reflection;

namespace GrainKv.Runtime;

/// <summary>Settings of the grain runtime and the grain classes it hosts.</summary>
public sealed class GrainRuntimeOptions
{
    private readonly List<GrainRegistration> _grains = [];

    /// <summary>An activation idle this long is deactivated, unless its class is <see cref="KeepAliveAttribute"/>.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>When the token passed to <see cref="Grain.OnActivateAsync"/> fires.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>When the token passed to <see cref="Grain.OnDeactivateAsync"/> fires.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The host other silos reach this one at.</summary>
    public string SiloHost { get; set; } = "127.0.0.1";

    /// <summary>The port of silo-to-silo messaging.</summary>
    public int SiloPort { get; set; } = 11111;

    internal IReadOnlyList<GrainRegistration> Grains => _grains;

    /// <summary>Calls through <typeparamref name="TGrainInterface"/> are served by <typeparamref name="TGrain"/>.</summary>
    public GrainRuntimeOptions AddGrain<TGrainInterface, TGrain>()
        where TGrainInterface : IGrain
        where TGrain : class, TGrainInterface
    {
        _grains.Add(new GrainRegistration(typeof(TGrainInterface), typeof(TGrain)));
        return this;
    }

    /// <summary>Registers every concrete grain class of <paramref name="assembly"/> for each grain interface it implements.</summary>
    public GrainRuntimeOptions AddGrainsFromAssembly(Assembly assembly)
    {
        foreach (var grainClass in assembly.GetTypes())
        {
            if (!grainClass.IsClass || grainClass.IsAbstract || grainClass.IsGenericTypeDefinition) continue;
            foreach (var grainInterface in grainClass.GetInterfaces())
            {
                if (GrainInterface.IsGrainInterface(grainInterface)) _grains.Add(new GrainRegistration(grainInterface, grainClass));
            }
        }
        return this;
    }
}
