using Microsoft.Extensions.Logging;

namespace GrainKv.Membership;

public sealed partial class MembershipAgent
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Joined the membership table of cluster {Cluster} as {Silo} (heartbeat every {HeartbeatMs} ms, death after {DeathTimeoutMs} ms of silence)")]
    private partial void LogJoined(string silo, string cluster, double heartbeatMs, double deathTimeoutMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership: {Silo} is {Status}")]
    private partial void LogStatusChanged(string silo, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership: removed {Rows} rows of silos dead for longer than {ExpirationMs} ms")]
    private partial void LogDefunctRemoved(int rows, double expirationMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership: serving silos are {Silos}")]
    private partial void LogServing(string silos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership: declared {Silo} dead ({Reason}); its last heartbeat was {SilenceMs} ms ago")]
    private partial void LogDeclaredDead(string silo, DeathReason reason, double silenceMs);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Membership: this silo, {Silo}, was declared dead by {By} at {Time:O}; stopping")]
    private partial void LogSelfDeclaredDead(string silo, string by, DateTime time);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Membership: this silo's row, {Silo}, is gone from the membership table; stopping")]
    private partial void LogRowMissing(string silo);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Membership: this silo, {Silo}, was started again elsewhere (a newer incarnation of its name joined); stopping")]
    private partial void LogSelfSuperseded(string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership: silos {Silos} keep their Raft logs on the same PostgreSQL server as this silo (system identifier {StorageIdentity}). Allowed for development; in production each silo needs its own server, or one server failure loses a whole Raft group")]
    private partial void LogSharedStorage(string silos, string storageIdentity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership table unreachable; serving on the last view and retrying every {HeartbeatMs} ms: {Error}")]
    private partial void LogTableUnreachable(double heartbeatMs, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership table reachable again")]
    private partial void LogTableReachable();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership: could not mark {Silo} dead on the way out; the others will declare it dead after the death timeout: {Error}")]
    private partial void LogLeaveFailed(string silo, string error);
}
