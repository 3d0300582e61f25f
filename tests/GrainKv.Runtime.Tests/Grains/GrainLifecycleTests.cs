using GrainKv.Runtime;

namespace GrainKv.Runtime.Tests.Grains;

public sealed class GrainLifecycleTests
{
    [Fact]
    public async Task GetGrain_ConcurrentFirstCalls_ActivateOnceBeforeAnyCallRuns()
    {
        await using var silo = await TestSilo.StartAsync();

        var activatedBeforeCall = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => Task.Run(() => silo.Grains.GetGrain<ICounterGrain>(7).WasActivatedBeforeCall())));

        Assert.Equal(1, silo.Probe.Count(GrainId.Create("counter", 7), "activate"));
        Assert.All(activatedBeforeCall, Assert.True);
    }

    [Fact]
    public async Task GetGrain_DifferentKeys_AreDifferentActivations()
    {
        await using var silo = await TestSilo.StartAsync();

        var one = await silo.Grains.GetGrain<ICounterGrain>(1).Work(0);
        var oneAgain = await silo.Grains.GetGrain<ICounterGrain>(1).Work(1);
        var two = await silo.Grains.GetGrain<ICounterGrain>(2).Work(0);

        Assert.Equal(one, oneAgain);
        Assert.NotEqual(one, two);
        Assert.Equal(1, silo.Probe.Count(GrainId.Create("counter", 1), "activate"));
        Assert.Equal(1, silo.Probe.Count(GrainId.Create("counter", 2), "activate"));
    }

    [Fact]
    public async Task Call_GrainCallsAnotherGrain_ReachesIt()
    {
        await using var silo = await TestSilo.StartAsync();

        await silo.Grains.GetGrain<ICounterGrain>(1).CallOther(2);

        Assert.Equal(1, silo.Probe.Count(GrainId.Create("counter", 2), "work:0"));
    }

    [Fact]
    public async Task CollectIdle_ActivationIdleLongerThanAge_DeactivatesAndNextCallReactivates()
    {
        await using var silo = await TestSilo.StartAsync(options =>
        {
            options.CollectionAge = TimeSpan.FromMilliseconds(100);
            options.CollectionQuantum = TimeSpan.FromMilliseconds(20);
        });
        var grain = silo.Grains.GetGrain<ICounterGrain>(1);
        var id = GrainId.Create("counter", 1);

        var first = await grain.Work(0);
        await TestSilo.EventuallyAsync(() => silo.Probe.Count(id, "deactivate:ActivationIdle") == 1, "the idle activation is collected");
        var second = await grain.Work(1);

        Assert.NotEqual(first, second);
        Assert.Equal(2, silo.Probe.Count(id, "activate"));
    }

    [Fact]
    public async Task CollectIdle_KeepAliveGrain_SurvivesWhileOthersAreCollected()
    {
        await using var silo = await TestSilo.StartAsync(options =>
        {
            options.CollectionAge = TimeSpan.FromMilliseconds(50);
            options.CollectionQuantum = TimeSpan.FromMilliseconds(10);
        });
        await silo.Grains.GetGrain<IPinnedGrain>("p").Touch();
        await silo.Grains.GetGrain<ICounterGrain>(1).Work(0);

        await TestSilo.EventuallyAsync(() => silo.Probe.Count(GrainId.Create("counter", 1), "deactivate:ActivationIdle") == 1,
            "the ordinary grain is collected");
        await Task.Delay(200);

        Assert.Empty(silo.Probe.EventsOf(GrainId.Create("pinned", "p")));
    }

    [Fact]
    public async Task DeactivateOnIdle_CalledInTurn_DeactivatesAfterItAndNextCallReactivates()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>(1);
        var id = GrainId.Create("counter", 1);

        var queuedBehind = grain.Work(0);
        await grain.DeactivateSoon();
        await queuedBehind;
        await TestSilo.EventuallyAsync(() => silo.Probe.Count(id, "deactivate:ApplicationRequested") == 1, "the grain deactivates");
        await grain.Work(1);

        Assert.Equal(2, silo.Probe.Count(id, "activate"));
    }

    [Fact]
    public async Task DeactivateOnIdle_CallsQueuedBehindIt_RunOnNextActivation()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>(1);
        var id = GrainId.Create("counter", 1);

        var deactivating = grain.DeactivateSoon();
        var queued = Enumerable.Range(0, 5).Select(grain.Work).ToArray();
        await deactivating;
        await Task.WhenAll(queued);

        Assert.Equal(["activate", "deactivate:ApplicationRequested", "activate", "work:0", "work:1", "work:2", "work:3", "work:4"],
            silo.Probe.EventsOf(id));
    }

    [Fact]
    public async Task StopAsync_ActiveGrains_AllDeactivatedForShutdown()
    {
        var silo = await TestSilo.StartAsync();
        await using (silo)
        {
            await silo.Grains.GetGrain<ICounterGrain>(1).Work(0);
            await silo.Grains.GetGrain<ICounterGrain>(2).Work(0);
            await silo.Grains.GetGrain<IPinnedGrain>("p").Touch();

            await silo.StopAsync();

            Assert.Equal(3, silo.Probe.Count("deactivate:ShuttingDown"));
        }
    }

    [Fact]
    public async Task StopAsync_CallAfterShutdown_FailsWithoutActivating()
    {
        await using var silo = await TestSilo.StartAsync();
        await silo.StopAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => silo.Grains.GetGrain<ICounterGrain>(1).Work(0));

        Assert.Equal(0, silo.Probe.Count("activate"));
    }

    [Fact]
    public async Task RegisterGrainTimer_ActivationDeactivated_TimerStops()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>(1);
        var id = GrainId.Create("counter", 1);
        await grain.StartTimer(periodMs: 1);
        await TestSilo.EventuallyAsync(() => silo.Probe.Count(id, "tick") >= 3, "the timer ticks");

        await grain.DeactivateSoon();
        await TestSilo.EventuallyAsync(() => silo.Probe.Count(id, "deactivate:ApplicationRequested") == 1, "the grain deactivates");
        var ticksAtDeactivation = silo.Probe.Count(id, "tick");
        await Task.Delay(100);

        Assert.Equal(ticksAtDeactivation, silo.Probe.Count(id, "tick"));
    }
}
