namespace GrainKv.Testing.Linearizability;

/// <summary>
/// What etcd promises of revisions across keys (and GrainKv across shards): a write acknowledged before another
/// started has the smaller revision, and no two writes share one.
/// </summary>
public static class RealTimeRevisionOrder
{
    /// <param name="Start">When the write was sent, in any monotonic unit.</param>
    /// <param name="End">When it was acknowledged, in the same unit.</param>
    public readonly record struct Write(long Start, long End, long Revision, string What);

    /// <summary>The first violation found, or null when there is none.</summary>
    public static string? Violation(IReadOnlyList<Write> writes)
    {
        if (writes.GroupBy(w => w.Revision).FirstOrDefault(g => g.Count() > 1) is { } shared)
        {
            return $"{string.Join(" and ", shared.Select(w => w.What))} share revision {shared.Key}";
        }
        // Sorted by acknowledgement, each write's revision against the greatest of those acknowledged before it started.
        var byEnd = writes.OrderBy(w => w.End).ToArray();
        var greatestSoFar = new Write[byEnd.Length];
        for (var i = 0; i < byEnd.Length; i++) greatestSoFar[i] = i > 0 && greatestSoFar[i - 1].Revision > byEnd[i].Revision ? greatestSoFar[i - 1] : byEnd[i];
        foreach (var write in writes)
        {
            var endedBefore = Array.FindLastIndex(byEnd, w => w.End < write.Start);
            if (endedBefore >= 0 && greatestSoFar[endedBefore].Revision > write.Revision)
            {
                var earlier = greatestSoFar[endedBefore];
                return $"{write.What} started after {earlier.What} was acknowledged with revision {earlier.Revision}, yet got {write.Revision}";
            }
        }
        return null;
    }
}
