using Microsoft.Extensions.Logging;

namespace GrainKv.Grains.Corruption;

public sealed partial class CorruptionMonitor
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Corruption checking enabled on member {MemberId:x16}, every {Interval}")]
    private partial void LogEnabled(ulong memberId, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Corruption check of shard {ShardId} found {Rule} on member {MemberId:x16}: leader {LeaderValue}, member {MemberValue}")]
    private partial void LogFound(ulong shardId, ulong memberId, CorruptionRule rule, long leaderValue, long memberValue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Corruption check of shard {ShardId} raised a CORRUPT alarm for member {MemberId:x16}")]
    private partial void LogRaised(ulong shardId, ulong memberId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Corruption check of shard {ShardId} skipped member {MemberId:x16} at revision {Revision}: {Reason}")]
    private partial void LogSkipped(ulong shardId, ulong memberId, PeerHashSkip reason, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Corruption check of shard {ShardId} got no HashKV from member {MemberId:x16}: {Reason}")]
    private partial void LogNoAnswer(ulong shardId, ulong memberId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Corruption check of shard {ShardId} at revision {Revision} compared {PeersChecked} peers")]
    private partial void LogChecked(ulong shardId, long revision, int peersChecked);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Corruption check of shard {ShardId} failed: {Reason}")]
    private partial void LogFailed(ulong shardId, string reason);
}
