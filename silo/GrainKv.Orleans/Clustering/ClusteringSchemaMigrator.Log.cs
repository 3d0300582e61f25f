using Microsoft.Extensions.Logging;

namespace GrainKv.Orleans.Clustering;

public sealed partial class ClusteringSchemaMigrator
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Orleans clustering schema migrated from version {FoundVersion} to {Version}")]
    private partial void LogMigrated(int foundVersion, int version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Orleans clustering schema already at version {Version}")]
    private partial void LogUpToDate(int version);
}
