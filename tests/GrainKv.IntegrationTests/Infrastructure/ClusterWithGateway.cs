namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>Three silos and a stand-alone gateway in front of them, shared by the tests of a class.</summary>
public sealed class ClusterWithGateway : IAsyncLifetime
{
    public GrainKvCluster Cluster { get; private set; } = null!;
    public GrainKvGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await GrainKvCluster.StartAsync();
        Gateway = await GrainKvGateway.StartAsync(Cluster);
    }

    public Task DisposeAsync()
    {
        Gateway?.Dispose();
        Cluster?.Dispose();
        return Task.CompletedTask;
    }
}
