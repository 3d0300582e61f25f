namespace GrainKv.Gateway.Routing;

/// <summary>
/// Where Watch streams on a shard come from: a silo's own replica of it (<see cref="LocalWatchSource"/>), or
/// for a stand-alone gateway, which has no replica, a silo that has one.
/// </summary>
public interface IWatchSource
{
    IWatchStream Open(ulong shardId);
}
