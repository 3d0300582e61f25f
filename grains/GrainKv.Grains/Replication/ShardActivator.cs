using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;
using GrainKv.Runtime;
using Microsoft.Extensions.Hosting;

namespace GrainKv.Grains.Replication;

/// <summary>
/// Activates this silo's replica of every shard it holds when the silo starts, so each group
/// recovers from storage and takes part in elections before the first client request arrives.
/// </summary>
public sealed class ShardActivator : IHostedService
{
    private readonly IGrainFactory _grains;
    private readonly ShardMap _map;
    private readonly ClusterIdentity _identity;

    public ShardActivator(IGrainFactory grains, ShardMap map, ClusterIdentity identity)
    {
        _grains = grains;
        _map = map;
        _identity = identity;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var range in _map.Ranges.Where(r => r.Replicas.Contains(_identity.MemberId)))
        {
            var key = new ReplicaKey(range.ShardId, _identity.MemberId).ToString();
            await _grains.GetGrain<IReplicaGrain>(key).GetStatus().WaitAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
