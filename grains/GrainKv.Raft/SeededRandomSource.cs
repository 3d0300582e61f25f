namespace GrainKv.Raft;

/// <summary>
/// SplitMix64: tiny, fast and fully determined by its seed. Shells seed it from something that
/// differs per replica and per start; simulations seed it from the run's seed.
/// </summary>
public sealed class SeededRandomSource(ulong seed) : IRandomSource
{
    private ulong _state = seed;

    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
