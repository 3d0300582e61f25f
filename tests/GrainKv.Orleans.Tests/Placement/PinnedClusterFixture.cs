using Orleans.TestingHost;

namespace GrainKv.Orleans.Tests.Placement;

/// <summary>One cluster for the tests that leave every silo running.</summary>
public sealed class PinnedClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await PinnedTestCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PinnedClusterCollection : ICollectionFixture<PinnedClusterFixture>
{
    public const string Name = "pinned cluster";
}
