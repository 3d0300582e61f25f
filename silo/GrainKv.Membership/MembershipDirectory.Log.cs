using Microsoft.Extensions.Logging;

namespace GrainKv.Membership;

public sealed partial class MembershipDirectory
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership table unreachable; keeping the last view of the silos and retrying every {IntervalMs} ms: {Error}")]
    private partial void LogUnreachable(double intervalMs, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership table reachable again")]
    private partial void LogReachable();

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for a live silo of cluster {Cluster} to report in the membership table how the cluster was bootstrapped; reading it every {IntervalMs} ms")]
    private partial void LogWaitingForBootstrap(string cluster, double intervalMs);
}
