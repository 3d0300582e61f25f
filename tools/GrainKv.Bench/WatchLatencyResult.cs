namespace GrainKv.Bench;

/// <summary>
/// What a watch-latency run saw. Delivery latency is put sent to event received, one value per watcher per put;
/// put latency is the puts' own round trips. <see cref="ServerCpu"/> covers the put phase and the drain.
/// </summary>
public sealed record WatchLatencyResult(
    WatchLatencySettings Settings,
    double SetupSeconds,
    long EventsReceived,
    long EventsOutOfOrder,
    IReadOnlyList<string> StreamErrors,
    LatencySummary Delivery,
    LatencySummary Put,
    ServerCpu? ServerCpu) : IScenarioResult
{
    /// <summary>Every watcher got every put exactly once, in order, and no stream failed.</summary>
    public bool Complete => EventsReceived == Settings.EventsExpected && EventsOutOfOrder == 0 && StreamErrors.Count == 0;
}
