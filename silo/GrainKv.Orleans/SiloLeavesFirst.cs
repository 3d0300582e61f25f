using Microsoft.Extensions.Hosting;

namespace GrainKv.Orleans;

/// <summary>
/// Stops the Orleans silo as soon as the host begins to stop, before any service does: leaving the cluster gracefully
/// writes into the membership table, which for a cluster on group 0 is reached through Kestrel's peer listener and the
/// peer streams, and Kestrel, registered last by the web host, would stop first. Register it after the peer streams'
/// lifetime, whose stopping must come after this one.
/// </summary>
public sealed class SiloLeavesFirst(global::Orleans.Runtime.Silo silo) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await silo.StopAsync(cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // The silo never got running (start-up failed or was cut short): Orleans' own stop deals with it.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
