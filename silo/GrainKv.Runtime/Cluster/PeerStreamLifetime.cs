using Microsoft.Extensions.Hosting;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// How long this silo takes peers' Raft streams: until the host begins to stop and every lifecycle service registered
/// after <c>AddSiloCluster</c> has done its stopping (Orleans leaving the cluster, which writes into group 0 through
/// these streams), but before Kestrel stops, whose graceful stop would otherwise wait for streams that never end by
/// themselves.
/// </summary>
internal sealed class PeerStreamLifetime : IHostedLifecycleService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken Stopping => _stopping.Token;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _stopping.Dispose();
}
