using GrainKv.Testing.Linearizability;

namespace GrainKv.Simulation.Tests;

/// <summary>The checker is not vacuous on real histories: one planted stale read makes it fail.</summary>
public sealed class PlantedAnomalyTests
{
    [Theory]
    [InlineData(6UL)]
    [InlineData(8UL)]
    public void Check_SimulatedHistoryWithPlantedStaleRead_IsRejected(ulong seed)
    {
        var sim = Simulation.Create(seed);
        sim.Run(calls: 200, maxTimeMs: 60_000);
        var history = sim.History.ToList();
        Assert.True(LinearizabilityChecker.Check(history).IsLinearizable, $"seed={seed}: the real history must pass before planting");

        var writes = history.Where(o => !o.OutcomeUnknown && (o.Kind == OperationKind.Put || (o.Kind == OperationKind.Cas && o.Succeeded))).ToList();
        var (overwritten, newer) = writes
            .SelectMany(older => writes.Where(w => w.Key == older.Key && w.CallTime > older.ReturnTime).Select(w => (older, w)))
            .First();
        var after = history.Where(o => !o.OutcomeUnknown).Max(o => o.ReturnTime) + 1;
        history.Add(Operation.Get(99, overwritten.Key, overwritten.Value, after, after + 1));

        var result = LinearizabilityChecker.Check(history);

        Assert.True(result.Verdict == LinearizabilityVerdict.NotLinearizable,
            $"seed={seed}: reading {overwritten.Value} after {newer} returned must be rejected, got {result}");
        Assert.Equal(overwritten.Key, result.Key);
    }
}
