using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime;

internal sealed partial class GrainActivation
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainId} failed to activate; its waiting calls fail")]
    private static partial void LogActivationFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainId} failed in OnDeactivateAsync ({Reason})")]
    private static partial void LogDeactivationFailed(ILogger logger, GrainId grainId, DeactivationReason reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Grain {GrainId} deactivated ({Reason})")]
    private static partial void LogDeactivated(ILogger logger, GrainId grainId, DeactivationReason reason);
}
