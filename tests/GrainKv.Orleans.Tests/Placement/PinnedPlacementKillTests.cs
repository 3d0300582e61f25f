using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace GrainKv.Orleans.Tests.Placement;

/// <summary>Kills a silo, so it runs on a cluster of its own.</summary>
public sealed class PinnedPlacementKillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Call_AfterNamedSiloKilled_IsRefusedAndNeverActivatedElsewhere()
    {
        await using var cluster = await PinnedTestCluster.StartAsync();
        var target = cluster.Client.GetGrain<IPinnedProbeGrain>("replica/Silo_2");
        var caller = cluster.Client.GetGrain<IPinnedProbeGrain>("caller/Silo_1");
        Assert.Equal("Silo_2", await caller.SiloNameOfProbe("replica/Silo_2").WaitAsync(CallTimeout));
        var victim = cluster.Silo("Silo_2");
        var survivors = cluster.Silos.Where(silo => silo != victim).ToList();

        await cluster.KillSiloAsync(victim);
        // Failure detection is not under test: declare the silo dead at once, then wait until every
        // survivor's membership view says so.
        var membership = survivors[0].ServiceProvider.GetRequiredService<IClusterMembershipService>();
        Assert.True(await membership.TryKill(victim.SiloAddress));
        await WaitUntilAsync(() => survivors.All(silo =>
            silo.ServiceProvider.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.GetSiloStatus(victim.SiloAddress) == SiloStatus.Dead));

        var fromGrain = Stopwatch.StartNew();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => caller.SiloNameOfProbe("replica/Silo_2").WaitAsync(CallTimeout));
        output.WriteLine($"refusal via a grain on Silo_1: {fromGrain.Elapsed.TotalMilliseconds:F1} ms");
        var fromClient = Stopwatch.StartNew();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => target.SiloName().WaitAsync(CallTimeout));
        output.WriteLine($"refusal via the client: {fromClient.Elapsed.TotalMilliseconds:F1} ms");

        Assert.All(survivors, silo => Assert.Equal(0, silo.ActivationsOn(target.GetGrainId())));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "membership did not declare the killed silo dead");
            await Task.Delay(50);
        }
    }
}
