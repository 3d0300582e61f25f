using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime.Cluster;

internal sealed partial class PeerConnection
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Raft stream to silo {Peer} is open")]
    private partial void LogStreamOpen(string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft stream to silo {Peer} failed; dropping its queued messages and reconnecting in {DelayMs} ms")]
    private partial void LogStreamFailed(string peer, double delayMs, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Peer} moved from {From} to {To}; connecting there")]
    private partial void LogPeerMoved(string peer, string from, string to);
}
