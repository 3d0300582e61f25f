using System.Numerics;

namespace GrainKv.Bench;

/// <summary>
/// Counts latencies in log-linear buckets, so memory stays fixed (7,296 counters) however many requests a run makes.
/// Values below 256 ns get a bucket each; above, every power of two is split into 128 equal buckets. A percentile
/// is reported as its bucket's midpoint, clamped to the exact min and max, so its relative error is at most
/// <see cref="RelativeErrorMax"/> (half a bucket's width over its lower bound: 1/256). Min, max and mean are exact.
/// Not thread-safe: each client keeps its own and the runner merges them.
/// </summary>
public sealed class LatencyHistogram
{
    public const double RelativeErrorMax = 1.0 / (2 * SubBucketCount);

    private const int SubBucketBits = 7;
    private const int SubBucketCount = 1 << SubBucketBits;           // buckets per power of two
    private const int ExactCount = 2 * SubBucketCount;               // values 0..255 are counted exactly
    private const int OctaveCount = 63 - SubBucketBits - 1;           // shifts 1..55 cover every non-negative long
    private const int BucketCount = ExactCount + OctaveCount * SubBucketCount;

    private readonly long[] _counts = new long[BucketCount];
    private Int128 _sumNanoseconds;             // exact however many runs are merged, unlike a long

    public long Count { get; private set; }

    public long MinNanoseconds { get; private set; } = long.MaxValue;

    public long MaxNanoseconds { get; private set; }

    public double MeanNanoseconds => Count == 0 ? 0 : (double)_sumNanoseconds / Count;

    public void Record(long nanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nanoseconds);
        _counts[BucketOf(nanoseconds)]++;
        Count++;
        _sumNanoseconds += nanoseconds;
        MinNanoseconds = Math.Min(MinNanoseconds, nanoseconds);
        MaxNanoseconds = Math.Max(MaxNanoseconds, nanoseconds);
    }

    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        _sumNanoseconds += other._sumNanoseconds;
        MinNanoseconds = Math.Min(MinNanoseconds, other.MinNanoseconds);
        MaxNanoseconds = Math.Max(MaxNanoseconds, other.MaxNanoseconds);
    }

    /// <summary>
    /// The nearest-rank percentile: the smallest recorded value (to bucket precision) with at least
    /// <paramref name="percentile"/>% of the values at or below it. 0 when nothing was recorded.
    /// </summary>
    public double ValueAtPercentileNanoseconds(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100.0);
        if (Count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * Count));
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Clamp(MidpointOf(i), MinNanoseconds, MaxNanoseconds);
            }
        }

        return MaxNanoseconds;
    }

    private static int BucketOf(long value)
    {
        if (value < ExactCount)
        {
            return (int)value;
        }

        int highestBit = 63 - BitOperations.LeadingZeroCount((ulong)value);
        int shift = highestBit - SubBucketBits;                      // leaves 8 significant bits: 128..255
        int subBucket = (int)(value >> shift) - SubBucketCount;
        return ExactCount + (shift - 1) * SubBucketCount + subBucket;
    }

    private static double MidpointOf(int bucket)
    {
        if (bucket < ExactCount)
        {
            return bucket;
        }

        int shift = (bucket - ExactCount) / SubBucketCount + 1;
        long mantissa = SubBucketCount + (bucket - ExactCount) % SubBucketCount;
        double lower = (double)(mantissa << shift);
        double width = Math.Pow(2, shift);
        return lower + (width - 1) / 2;
    }
}
