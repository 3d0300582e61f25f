using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime;

internal sealed partial class GrainCatalog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Deactivating {Count} idle activations")]
    private static partial void LogCollecting(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deactivated all {Count} activations for shutdown")]
    private static partial void LogDeactivatedAll(ILogger logger, int count);
}
