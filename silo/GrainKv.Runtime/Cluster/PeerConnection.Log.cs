using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime.Cluster;

internal sealed partial class PeerConnection
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Raft stream to silo {Peer} is open")]
    private partial void LogStreamOpen(string peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raft stream to silo {Peer} is lost ({Reason}); dropping its queued messages and reconnecting")]
    private partial void LogStreamLost(string peer, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Silo {Peer} is still unreachable ({Reason}); trying again in {DelayMs} ms")]
    private partial void LogStillUnreachable(string peer, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raft stream to silo {Peer} is back")]
    private partial void LogStreamBack(string peer);
}
