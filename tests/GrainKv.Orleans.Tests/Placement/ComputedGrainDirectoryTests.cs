using GrainKv.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Orleans.GrainDirectory;
using Orleans.TestingHost;

namespace GrainKv.Orleans.Tests.Placement;

[Collection(PinnedClusterCollection.Name)]
public sealed class ComputedGrainDirectoryTests(PinnedClusterFixture fixture)
{
    private InProcessTestCluster Cluster => fixture.Cluster;

    private static IGrainDirectory DirectoryOf(InProcessSiloHandle silo) =>
        silo.ServiceProvider.GetRequiredKeyedService<IGrainDirectory>(ComputedGrainDirectory.Name);

    private GrainId Pinned(string key) => Cluster.Client.GetGrain<IPinnedProbeGrain>(key).GetGrainId();

    [Fact]
    public async Task Lookup_PinnedGrain_AnswersItsMembersSiloOnEverySilo()
    {
        var grainId = Pinned("never-called/Silo_2");

        foreach (var silo in Cluster.Silos)
        {
            var address = await DirectoryOf(silo).Lookup(grainId);
            Assert.Equal(Cluster.Silo("Silo_2").SiloAddress, address?.SiloAddress);
            Assert.Equal(grainId, address?.GrainId);
        }
    }

    [Fact]
    public async Task Lookup_PinnedGrainOfASiloNotInTheCluster_AnswersNone()
    {
        Assert.Null(await DirectoryOf(Cluster.Silo("Silo_0")).Lookup(Pinned("ghost/Silo_9")));
    }

    [Fact]
    public async Task Lookup_GrainNotPinned_AnswersNoneSoPlacementDecides()
    {
        var grainId = Cluster.Client.GetGrain<IPreferLocalCheckedGrain>("free/Silo_1").GetGrainId();

        Assert.Null(await DirectoryOf(Cluster.Silo("Silo_0")).Lookup(grainId));
    }

    [Fact]
    public async Task Register_OnTheGrainsOwnSilo_IsAccepted()
    {
        var own = new GrainAddress { GrainId = Pinned("own/Silo_1"), SiloAddress = Cluster.Silo("Silo_1").SiloAddress, ActivationId = ActivationId.NewId() };

        Assert.Equal(own, await DirectoryOf(Cluster.Silo("Silo_1")).Register(own));
    }

    [Fact]
    public async Task Register_OnAnotherSilo_AnswersTheGrainsOwnSiloForOrleansToForwardTo()
    {
        var stray = new GrainAddress { GrainId = Pinned("stray/Silo_1"), SiloAddress = Cluster.Silo("Silo_0").SiloAddress, ActivationId = ActivationId.NewId() };

        var registered = await DirectoryOf(Cluster.Silo("Silo_0")).Register(stray);

        Assert.Equal(Cluster.Silo("Silo_1").SiloAddress, registered?.SiloAddress);
    }
}
