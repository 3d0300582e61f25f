using GrainKv.Grains.Replication;

namespace GrainKv.Gateway.Routing;

/// <summary>Watch streams on this silo's replica of the shard.</summary>
public sealed class LocalWatchSource(ReplicaDriver replicas) : IWatchSource
{
    public IWatchStream Open(ulong shardId) => LocalWatchStream.Open(replicas, shardId);
}
