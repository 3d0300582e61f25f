using System.Collections.Concurrent;

namespace GrainKv.Orleans.Tests.Placement;

/// <summary>One per silo: how many times each grain was activated there.</summary>
public sealed class ActivationLog
{
    private readonly ConcurrentDictionary<GrainId, int> _activations = new();

    public void Record(GrainId grainId) => _activations.AddOrUpdate(grainId, 1, (_, count) => count + 1);

    public int CountOf(GrainId grainId) => _activations.GetValueOrDefault(grainId);
}
