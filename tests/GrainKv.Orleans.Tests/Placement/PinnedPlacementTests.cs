using Orleans.TestingHost;

namespace GrainKv.Orleans.Tests.Placement;

[Collection(PinnedClusterCollection.Name)]
public sealed class PinnedPlacementTests(PinnedClusterFixture fixture)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private InProcessTestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Call_FromClientAndEverySilo_ActivatesOnlyOnNamedSilo()
    {
        var target = Cluster.Client.GetGrain<IPinnedProbeGrain>("anywhere/Silo_1");

        Assert.Equal("Silo_1", await target.SiloName().WaitAsync(CallTimeout));
        foreach (var caller in Cluster.Silos)
        {
            var probe = Cluster.Client.GetGrain<IPinnedProbeGrain>($"caller/{caller.Name}");
            Assert.Equal(caller.Name, await probe.SiloName().WaitAsync(CallTimeout));
            Assert.Equal("Silo_1", await probe.SiloNameOfProbe("anywhere/Silo_1").WaitAsync(CallTimeout));
        }

        Assert.Equal(1, Cluster.Silo("Silo_1").ActivationsOn(target.GetGrainId()));
        Assert.Equal(0, Cluster.Silo("Silo_0").ActivationsOn(target.GetGrainId()));
        Assert.Equal(0, Cluster.Silo("Silo_2").ActivationsOn(target.GetGrainId()));
    }

    [Fact]
    public async Task Call_ForSiloNameNotInCluster_IsRefusedWithSiloUnavailable()
    {
        var ghost = Cluster.Client.GetGrain<IPinnedProbeGrain>("ghost/Silo_9");
        var fromSilo = Cluster.Client.GetGrain<IPinnedProbeGrain>("caller/Silo_2");

        var fromClient = await Assert.ThrowsAsync<SiloUnavailableException>(() => ghost.SiloName().WaitAsync(CallTimeout));
        var fromGrain = await Assert.ThrowsAsync<SiloUnavailableException>(() => fromSilo.SiloNameOfProbe("ghost/Silo_9").WaitAsync(CallTimeout));

        Assert.Contains("Silo_9", fromClient.Message);
        Assert.Contains("Silo_9", fromGrain.Message);
        Assert.All(Cluster.Silos, silo => Assert.Equal(0, silo.ActivationsOn(ghost.GetGrainId())));
    }

    [Fact]
    public async Task ActivationCheck_GrainActivatedOnOtherSilo_RefusesActivation()
    {
        var onSilo0 = Cluster.Client.GetGrain<IPinnedProbeGrain>("caller/Silo_0");
        var forced = Cluster.Client.GetGrain<IPreferLocalCheckedGrain>("forced/Silo_1");

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(
            () => onSilo0.SiloNameOfPreferLocal("forced/Silo_1").WaitAsync(CallTimeout));

        Assert.Contains("refused activation on silo 'Silo_0'", refusal.Message);
        Assert.All(Cluster.Silos, silo => Assert.Equal(0, silo.ActivationsOn(forced.GetGrainId())));
    }

    [Fact]
    public async Task ActivationCheck_GrainActivatedOnItsSilo_AllowsActivation()
    {
        var onSilo1 = Cluster.Client.GetGrain<IPinnedProbeGrain>("caller/Silo_1");
        var allowed = Cluster.Client.GetGrain<IPreferLocalCheckedGrain>("allowed/Silo_1");

        Assert.Equal("Silo_1", await onSilo1.SiloNameOfPreferLocal("allowed/Silo_1").WaitAsync(CallTimeout));
        Assert.Equal(1, Cluster.Silo("Silo_1").ActivationsOn(allowed.GetGrainId()));
    }
}
