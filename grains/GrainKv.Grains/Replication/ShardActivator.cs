using GrainKv.Grains.Sharding;
using GrainKv.Runtime;
using Microsoft.Extensions.Hosting;

namespace GrainKv.Grains.Replication;

/// <summary>
/// Activates every shard's replica when the silo starts, so each group recovers from storage and
/// elects a leader before the first client request rather than during it.
/// </summary>
public sealed class ShardActivator : IHostedService
{
    private readonly IGrainFactory _grains;
    private readonly ShardMap _map;

    public ShardActivator(IGrainFactory grains, ShardMap map)
    {
        _grains = grains;
        _map = map;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var range in _map.Ranges)
        {
            await _grains.GetGrain<IRaftGroupGrain>((long)range.ShardId).GetStatus().WaitAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
