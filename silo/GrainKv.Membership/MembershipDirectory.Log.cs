using Microsoft.Extensions.Logging;

namespace GrainKv.Membership;

public sealed partial class MembershipDirectory
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership table unreachable; keeping the last view of the silos and retrying every {IntervalMs} ms: {Error}")]
    private partial void LogUnreachable(double intervalMs, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership table reachable again")]
    private partial void LogReachable();
}
