using Microsoft.Extensions.Logging;

namespace GrainKv.Storage;

public sealed partial class PostgresRaftLogStore
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Raft log store opened on PostgreSQL {Server}")]
    private static partial void LogOpened(ILogger log, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft log store on PostgreSQL {Server} migrated from schema version {FromVersion} to {ToVersion}")]
    private static partial void LogSchemaMigrated(ILogger log, string server, int fromVersion, int toVersion);
}
