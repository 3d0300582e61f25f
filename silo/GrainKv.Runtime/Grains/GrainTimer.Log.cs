using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime;

internal sealed partial class GrainTimer
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "A timer callback of grain {GrainId} failed")]
    private static partial void LogCallbackFailed(ILogger logger, GrainId grainId, Exception exception);
}
