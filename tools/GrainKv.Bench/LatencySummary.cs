namespace GrainKv.Bench;

/// <summary>The latency figures a run reports, in milliseconds, taken from the merged histogram of its successful requests.</summary>
public sealed record LatencySummary(
    double MinMs,
    double MeanMs,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs)
{
    private const double NanosecondsPerMillisecond = 1_000_000.0;

    public static LatencySummary From(LatencyHistogram histogram) => histogram.Count == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0, 0)
        : new LatencySummary(
            histogram.MinNanoseconds / NanosecondsPerMillisecond,
            histogram.MeanNanoseconds / NanosecondsPerMillisecond,
            histogram.ValueAtPercentileNanoseconds(50) / NanosecondsPerMillisecond,
            histogram.ValueAtPercentileNanoseconds(90) / NanosecondsPerMillisecond,
            histogram.ValueAtPercentileNanoseconds(99) / NanosecondsPerMillisecond,
            histogram.ValueAtPercentileNanoseconds(99.9) / NanosecondsPerMillisecond,
            histogram.MaxNanoseconds / NanosecondsPerMillisecond);
}
