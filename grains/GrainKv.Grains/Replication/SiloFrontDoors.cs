using System.Collections.Concurrent;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;

namespace GrainKv.Grains.Replication;

/// <summary>
/// This silo's front door of each shard, called directly by what runs on the silo (its etcd services) and through
/// <see cref="RaftGroupGrain"/> by Orleans clients, sparing the silo's own requests a grain call to a local stateless
/// worker.
/// </summary>
public sealed class SiloFrontDoors : IShardFrontDoors
{
    private readonly ConcurrentDictionary<ulong, ShardFrontDoor> _doors = new();
    private readonly Func<ulong, ShardFrontDoor> _open;

    public SiloFrontDoors(IGrainFactory grains, ClusterIdentity identity, ShardMap map, BackendQuota quota, ReplicaStarter starter, ReplicaDriver driver) =>
        _open = shardId => new ShardFrontDoor(shardId, grains, identity, map, quota, this, starter, driver);

    public IShardFrontDoor For(ulong shardId) => _doors.GetOrAdd(shardId, _open);
}
