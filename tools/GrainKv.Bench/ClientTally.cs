using Grpc.Core;

namespace GrainKv.Bench;

/// <summary>What one benchmark client saw: the latencies of its successful requests and its errors by status. Not thread-safe.</summary>
public sealed class ClientTally
{
    private readonly Dictionary<StatusCode, long> _errors = [];

    public LatencyHistogram Latency { get; } = new();

    public IReadOnlyDictionary<StatusCode, long> Errors => _errors;

    public void RecordError(StatusCode status) => _errors[status] = _errors.GetValueOrDefault(status) + 1;

    public void Add(ClientTally other)
    {
        Latency.Add(other.Latency);
        foreach (var (status, count) in other._errors)
        {
            _errors[status] = _errors.GetValueOrDefault(status) + count;
        }
    }
}
