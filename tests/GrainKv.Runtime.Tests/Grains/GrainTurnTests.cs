using GrainKv.Runtime;

namespace GrainKv.Runtime.Tests.Grains;

public sealed class GrainTurnTests
{
    [Fact]
    public async Task Call_ConcurrentCallsToNonReentrantGrain_NeverOverlapAcrossAwaits()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>(1);

        var identities = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => grain.Work(i))));

        Assert.Equal(1, silo.Probe.RunningMax);
        Assert.Single(identities.Distinct());
    }

    [Fact]
    public async Task Call_CallsIssuedInOrder_RunInArrivalOrder()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>(1);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(grain.Work).ToArray());

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"work:{i}"),
            silo.Probe.EventsOf(GrainId.Create("counter", 1)).Where(e => e.StartsWith("work:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Call_NonReentrantGrainBusy_NextCallWaitsForTurnToComplete()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>(1);
        var id = GrainId.Create("counter", 1);

        var first = grain.WaitForGate();
        var second = grain.WaitForGate();
        await TestSilo.EventuallyAsync(() => silo.Probe.Count(id, "gate:entered") >= 1, "the first call is inside the grain");
        await Task.Delay(50);
        var enteredWhileBlocked = silo.Probe.Count(id, "gate:entered");
        silo.Probe.Gate.SetResult();
        await Task.WhenAll(first, second);

        Assert.Equal(1, enteredWhileBlocked);
        Assert.Equal(["activate", "gate:entered", "gate:passed", "gate:entered", "gate:passed"], silo.Probe.EventsOf(id));
    }

    [Fact]
    public async Task Call_ReentrantGrain_InterleavesAtAwaits()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IReentrantGrain>("r");

        var calls = Enumerable.Range(0, 3).Select(_ => grain.WaitForGate()).ToArray();
        // All three are inside the grain at once, each parked at its await of the gate.
        await TestSilo.EventuallyAsync(() => silo.Probe.Count("gate:entered") == 3, "all calls are inside the grain");
        silo.Probe.Gate.SetResult();
        await Task.WhenAll(calls);

        Assert.All(calls, call => Assert.True(call.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task Call_AlwaysInterleaveMethod_RunsWhileNonReentrantCallWaits()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>(1);

        var blocked = grain.WaitForGate();
        await TestSilo.EventuallyAsync(() => silo.Probe.Count("gate:entered") == 1, "the blocking call is inside the grain");
        var peeked = await grain.Peek();
        var blockedWhilePeeking = !blocked.IsCompleted;
        silo.Probe.Gate.SetResult();
        await blocked;

        Assert.Equal("peeked", peeked);
        Assert.True(blockedWhilePeeking);
    }

    [Fact]
    public async Task RegisterGrainTimer_CallsArriveDuringTicks_TicksNeverOverlapCalls()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>(1);
        var id = GrainId.Create("counter", 1);

        await grain.StartTimer(periodMs: 1);
        for (var round = 0; silo.Probe.Count(id, "tick") < 20; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Task.Run(() => grain.Work(round * 5 + i))));
            Assert.True(round < 1000, "the timer stopped ticking");
        }

        Assert.Equal(1, silo.Probe.RunningMax);
    }
}
