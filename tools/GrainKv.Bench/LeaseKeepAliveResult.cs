namespace GrainKv.Bench;

/// <summary>
/// What a lease-keepalive run saw. Sent and answered count the whole keep-alive phase; the rate, the latency and
/// the server's CPU cover the measured window only.
/// </summary>
public sealed record LeaseKeepAliveResult(
    LeaseKeepAliveSettings Settings,
    long KeepAlivesSent,
    long KeepAlivesAnswered,
    long AnsweredInWindow,
    double WindowSeconds,
    int LeasesLost,
    int RevokeErrors,
    IReadOnlyList<string> StreamErrors,
    LatencySummary Latency,
    ServerCpu? ServerCpu) : IScenarioResult
{
    public double AnsweredPerSecond => WindowSeconds > 0 ? AnsweredInWindow / WindowSeconds : 0;

    /// <summary>Every keep-alive was answered, none with TTL 0, and no stream failed.</summary>
    public bool Complete => LeasesLost == 0 && KeepAlivesAnswered == KeepAlivesSent && StreamErrors.Count == 0;
}
