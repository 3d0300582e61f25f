using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime;

/// <summary>The activations of this silo, at most one per grain id, created on a grain's first call.</summary>
internal sealed partial class GrainCatalog
{
    private readonly ConcurrentDictionary<GrainId, GrainActivation> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly ILogger _logger;
    private IGrainFactory? _grainFactory;
    private volatile bool _stopping;

    public GrainCatalog(GrainTypeRegistry registry, GrainRuntimeOptions options, IServiceProvider services, TimeProvider time,
        ILoggerFactory loggers)
    {
        _registry = registry;
        Options = options;
        Services = services;
        Time = time;
        _logger = loggers.CreateLogger<GrainCatalog>();
        ActivationLogger = loggers.CreateLogger<GrainActivation>();
    }

    public GrainRuntimeOptions Options { get; }

    public IServiceProvider Services { get; }

    public TimeProvider Time { get; }

    public ILogger ActivationLogger { get; }

    // Resolved on first use: the factory reaches this catalog through the router, so it cannot be a constructor parameter.
    public IGrainFactory GrainFactory => _grainFactory ??= Services.GetRequiredService<IGrainFactory>();

    /// <summary>Hands <paramref name="call"/> to its grain's activation, creating one if there is none.</summary>
    public void Dispatch(GrainCall call)
    {
        while (true)
        {
            if (!_activations.TryGetValue(call.Target, out var activation))
            {
                if (_stopping)
                {
                    call.Fail(new InvalidOperationException($"The silo is stopping; grain {call.Target} is not activated again."));
                    return;
                }
                activation = _activations.GetOrAdd(call.Target, static (grainId, catalog) =>
                    new GrainActivation(grainId, catalog._registry.GetClass(grainId.Type), catalog), this);
            }
            // False only for an activation that left the catalog after we found it: look again.
            if (activation.Enqueue(call)) return;
        }
    }

    public void Remove(GrainActivation activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, GrainActivation>(activation.GrainId, activation));

    /// <summary>Deactivates the activations idle for at least <paramref name="age"/> and waits for them.</summary>
    public async Task CollectIdleAsync(TimeSpan age)
    {
        var now = Time.GetTimestamp();
        var collected = new List<Task>();
        foreach (var (_, activation) in _activations)
        {
            if (activation.TryCollectIdle(now, age)) collected.Add(activation.Deactivated);
        }
        if (collected.Count == 0) return;
        LogCollecting(_logger, collected.Count);
        await Task.WhenAll(collected).ConfigureAwait(false);
    }

    /// <summary>Stops activating grains and deactivates every activation, waiting for all of them.</summary>
    public async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The silo is stopping.");
        var count = 0;
        // Loops because a call that passed the stopping check just before it may still add one.
        while (!_activations.IsEmpty)
        {
            var activations = _activations.Values.ToArray();
            foreach (var activation in activations) activation.Deactivate(reason);
            await Task.WhenAll(activations.Select(activation => activation.Deactivated)).WaitAsync(cancellationToken).ConfigureAwait(false);
            count += activations.Length;
        }
        LogDeactivatedAll(_logger, count);
    }
}
