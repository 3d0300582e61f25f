using GrainKv.Runtime;

namespace GrainKv.Runtime.Tests.Grains;

public sealed class GrainCallTests
{
    [Fact]
    public async Task Call_GrainThrowsAfterAwait_CallerGetsSameException()
    {
        await using var silo = await TestSilo.StartAsync();
        var thrown = new ArgumentException("bad argument");

        var caught = await Assert.ThrowsAsync<ArgumentException>(() => silo.Grains.GetGrain<ICounterGrain>(1).ThrowAfterAwait(thrown));

        Assert.Same(thrown, caught);
    }

    [Fact]
    public async Task Call_GrainThrowsSynchronously_CallerGetsSameExceptionFromTask()
    {
        await using var silo = await TestSilo.StartAsync();
        var thrown = new FormatException("bad format");

        var call = silo.Grains.GetGrain<ICounterGrain>(1).ThrowSynchronously(thrown);
        var caught = await Assert.ThrowsAsync<FormatException>(() => call);

        Assert.Same(thrown, caught);
    }

    [Fact]
    public async Task Call_ValueTaskMethodThrows_CallerGetsSameException()
    {
        await using var silo = await TestSilo.StartAsync();
        var thrown = new TimeoutException("too slow");

        var caught = await Assert.ThrowsAsync<TimeoutException>(
            async () => await silo.Grains.GetGrain<ICounterGrain>(1).ThrowAsValueTask(thrown));

        Assert.Same(thrown, caught);
    }

    [Fact]
    public async Task Call_GrainThrew_LaterCallsStillServed()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>(1);
        await Assert.ThrowsAsync<ArgumentException>(() => grain.ThrowAfterAwait(new ArgumentException()));

        var identity = await grain.IdentityAsValueTask();

        Assert.Equal(identity, await grain.Work(0));
    }

    [Fact]
    public async Task Call_OnActivateAsyncThrows_CallFailsWithItsExceptionAndNextCallRetries()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IBrokenGrain>("b");

        var first = await Assert.ThrowsAsync<InvalidOperationException>(grain.Touch);
        await Assert.ThrowsAsync<InvalidOperationException>(grain.Touch);

        Assert.Same(BrokenGrain.ActivationFailure, first);
        Assert.Equal(2, silo.Probe.Count(GrainId.Create("broken", "b"), "activate"));
    }

    [Fact]
    public async Task GetGrain_Reference_CarriesGrainIdOfTypeAndKey()
    {
        await using var silo = await TestSilo.StartAsync();

        var reference = (GrainReference)(object)silo.Grains.GetGrain<IReentrantGrain>("a/b");

        Assert.Equal(GrainId.Create("reentrant", "a/b"), reference.GrainId);
    }

    [Fact]
    public async Task Call_MethodsOfInheritedInterfaceAndValueArguments_ReachGrain()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ICalculatorGrain>("c");

        Assert.Equal("I am calculator/c", await grain.Describe("I am "));
        Assert.Equal(6L, await grain.Add(1, 2L, 3));
        Assert.Equal(3L, await grain.Add(1, 2L, null));
    }

    [Fact]
    public async Task GetGrain_UnregisteredInterface_Throws()
    {
        await using var silo = await TestSilo.StartAsync();

        Assert.Throws<InvalidOperationException>(() => silo.Grains.GetGrain<IUnservedGrain>("x"));
    }
}

public interface IUnservedGrain : IGrainWithStringKey
{
    Task Touch();
}
