using System.Globalization;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// Seeds for the simulation theories: <see cref="DefaultCount"/> of them in CI;
/// GRAINKV_SIM_SEEDS=N runs seeds 1..N for a long soak; GRAINKV_SIM_SEED=x replays one seed.
/// </summary>
public static class SimulationSeeds
{
    public const int DefaultCount = 300;

    public static TheoryData<ulong> Default
    {
        get
        {
            var data = new TheoryData<ulong>();
            foreach (var seed in Selected()) data.Add(seed);
            return data;
        }
    }

    public static IEnumerable<ulong> Selected()
    {
        if (Environment.GetEnvironmentVariable("GRAINKV_SIM_SEED") is { Length: > 0 } one)
            return [ulong.Parse(one, CultureInfo.InvariantCulture)];
        var count = Environment.GetEnvironmentVariable("GRAINKV_SIM_SEEDS") is { Length: > 0 } many
            ? int.Parse(many, CultureInfo.InvariantCulture)
            : DefaultCount;
        return Enumerable.Range(1, count).Select(i => (ulong)i);
    }
}
