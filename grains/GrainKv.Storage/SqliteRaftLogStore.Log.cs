using Microsoft.Extensions.Logging;

namespace GrainKv.Storage;

public sealed partial class SqliteRaftLogStore
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Raft log store opened at {DatabasePath}")]
    private static partial void LogOpened(ILogger log, string databasePath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft log store {DatabasePath} migrated from schema version {FromVersion} to {ToVersion}")]
    private static partial void LogSchemaMigrated(ILogger log, string databasePath, int fromVersion, int toVersion);
}
