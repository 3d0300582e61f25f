namespace GrainKv.Bench;

/// <summary>
/// How a run drives its endpoints. A run ends after <see cref="TotalRequests"/> or <see cref="Duration"/>,
/// whichever comes first; the command line makes sure at least one of them is set.
/// </summary>
public sealed record BenchSettings(
    ConnectionSettings Connection,
    int Clients,
    long? TotalRequests,
    TimeSpan? Duration,
    long WarmupRequests,
    bool Json,
    bool ShowProgress);
