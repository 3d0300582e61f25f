using GrainKv.Grains.Cluster;
using GrainKv.Grains.Sharding;

namespace GrainKv.Grains.Replication;

/// <summary>
/// Activates this silo's replica of every shard it holds as soon as the silo is active, so each group recovers from
/// storage and takes part in elections before the first client request, which waits for it (<see cref="GrainCallsReady"/>).
/// </summary>
public sealed class ShardActivator(IGrainFactory grains, ShardMap map, ClusterIdentity identity, GrainCallsReady ready) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ShardActivator), ServiceLifecycleStage.Active, ActivateAsync, static _ => Task.CompletedTask);

    private async Task ActivateAsync(CancellationToken ct)
    {
        foreach (var range in map.Ranges.Where(r => r.Replicas.Contains(identity.MemberId)))
        {
            var key = new ReplicaKey(range.ShardId, identity.MemberId).ToString();
            await grains.GetGrain<IReplicaGrain>(key).GetStatus().WaitAsync(ct);
        }
        ready.Set();
    }
}
