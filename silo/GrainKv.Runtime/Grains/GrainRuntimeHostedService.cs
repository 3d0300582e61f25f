using Microsoft.Extensions.Hosting;

namespace GrainKv.Runtime;

/// <summary>Collects idle activations every collection quantum, and deactivates all activations when the host stops.</summary>
internal sealed class GrainRuntimeHostedService(GrainCatalog catalog, GrainRuntimeOptions options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CollectionQuantum, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await catalog.CollectIdleAsync(options.CollectionAge);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await catalog.DeactivateAllAsync(cancellationToken);
    }
}
