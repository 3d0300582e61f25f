using Grpc.Core;

namespace GrainKv.Bench;

/// <summary>
/// The outcome of a run's measured phase. Requests counts every completed request, failed ones included;
/// throughput and latency count only the successful ones, as etcd's benchmark does.
/// </summary>
public sealed record BenchResult(long Requests, IReadOnlyDictionary<StatusCode, long> ErrorsByStatus, double ElapsedSeconds, LatencySummary Latency)
{
    public long Errors => ErrorsByStatus.Values.Sum();

    public double ThroughputPerSecond => ElapsedSeconds > 0 ? (Requests - Errors) / ElapsedSeconds : 0;

    public static BenchResult From(ClientTally tally, TimeSpan elapsed) => new(
        tally.Latency.Count + tally.Errors.Values.Sum(),
        tally.Errors.OrderBy(e => e.Key).ToDictionary(e => e.Key, e => e.Value),
        elapsed.TotalSeconds,
        LatencySummary.From(tally.Latency));
}
