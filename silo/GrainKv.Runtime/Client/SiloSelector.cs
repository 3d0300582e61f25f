using GrainKv.Runtime.Cluster;

namespace GrainKv.Runtime.Client;

/// <summary>
/// Which silo takes a cluster client's call for a grain any silo may host. Each grain sticks to one silo,
/// chosen by rendezvous hashing over the live silos with this client's own seed: a grain keeps its silo
/// while that silo lives, different clients spread over the silos, and a silo going away moves only the
/// grains it had. A silo that could not be reached is passed over for a delay that doubles with each
/// failure in a row. Pure: the caller passes the time in and serializes the calls.
/// </summary>
internal sealed class SiloSelector
{
    private readonly ulong _seed;
    private readonly long _delayMinMs;
    private readonly long _delayMaxMs;
    private readonly Dictionary<string, Backoff> _unreachable = new(StringComparer.Ordinal);

    public SiloSelector(ulong seed, TimeSpan delayMin, TimeSpan delayMax)
    {
        _seed = seed;
        _delayMinMs = Math.Max(1, (long)delayMin.TotalMilliseconds);
        _delayMaxMs = Math.Max(_delayMinMs, (long)delayMax.TotalMilliseconds);
    }

    /// <summary>
    /// The silo for a call to <paramref name="grain"/> among the <paramref name="live"/> silos not yet
    /// <paramref name="tried"/> for it: <paramref name="preferred"/> unless it is passed over, else the
    /// grain's own silo among those not passed over, else (every silo failed lately, and one may be back)
    /// the grain's own among all. Null once every live silo was tried.
    /// </summary>
    public SiloEntry? Choose(GrainId grain, IReadOnlyList<SiloEntry> live, string? preferred, IReadOnlyCollection<string> tried, long nowMs)
    {
        SiloEntry? best = null;
        SiloEntry? bestPassedOver = null;
        ulong bestScore = 0;
        ulong bestPassedOverScore = 0;
        foreach (var silo in live)
        {
            if (tried.Contains(silo.Name)) continue;
            var passedOver = IsPassedOver(silo.Name, nowMs);
            if (silo.Name == preferred && !passedOver) return silo;
            var score = Score(grain, silo.Name);
            if (passedOver)
            {
                if (bestPassedOver is null || score > bestPassedOverScore) (bestPassedOver, bestPassedOverScore) = (silo, score);
            }
            else if (best is null || score > bestScore)
            {
                (best, bestScore) = (silo, score);
            }
        }
        return best ?? bestPassedOver;
    }

    public bool IsPassedOver(string silo, long nowMs) => _unreachable.TryGetValue(silo, out var backoff) && nowMs < backoff.UntilMs;

    /// <summary>Passes <paramref name="silo"/> over for a while; true when it counted as reachable until now.</summary>
    public bool ReportUnreachable(string silo, long nowMs)
    {
        var known = _unreachable.TryGetValue(silo, out var backoff);
        var delayMs = known ? Math.Min(backoff.DelayMs * 2, _delayMaxMs) : _delayMinMs;
        _unreachable[silo] = new Backoff(nowMs + delayMs, delayMs);
        return !known;
    }

    /// <summary>A call reached <paramref name="silo"/>; true when it counted as unreachable until now.</summary>
    public bool ReportReachable(string silo) => _unreachable.Remove(silo);

    /// <summary>64-bit FNV-1a over the seed, the grain id and the silo name.</summary>
    private ulong Score(GrainId grain, string silo)
    {
        var hash = 14695981039346656037UL;
        for (var shift = 0; shift < 64; shift += 8) hash = (hash ^ ((_seed >> shift) & 0xff)) * 1099511628211UL;
        hash = Mix(hash, grain.Type);
        hash = Mix(hash, grain.Key);
        return Mix(hash, silo);
    }

    private static ulong Mix(ulong hash, string text)
    {
        foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
        return (hash ^ 0xffff) * 1099511628211UL;
    }

    private readonly record struct Backoff(long UntilMs, long DelayMs);
}
