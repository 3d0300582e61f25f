using GrainKv.Runtime;

namespace GrainKv.Runtime.Tests.Grains;

public interface ICounterGrain : IGrainWithIntegerKey
{
    /// <summary>True if OnActivateAsync had completed when the call ran.</summary>
    Task<bool> WasActivatedBeforeCall();

    /// <summary>Counts itself as running across a few awaits; returns the grain object's identity.</summary>
    Task<int> Work(int sequence);

    /// <summary>Waits for the probe's gate inside the turn.</summary>
    Task WaitForGate();

    [AlwaysInterleave]
    Task<string> Peek();

    Task DeactivateSoon();

    ValueTask<int> IdentityAsValueTask();

    ValueTask ThrowAsValueTask(Exception exception);

    Task ThrowAfterAwait(Exception exception);

    Task ThrowSynchronously(Exception exception);

    Task<int> StartTimer(int periodMs);

    Task<int> CallOther(long otherKey);
}

public sealed class CounterGrain(GrainProbe probe) : Grain, ICounterGrain
{
    private readonly List<int> _sequences = [];
    private bool _activated;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record(GrainId, "activate");
        await Task.Delay(20, cancellationToken);
        _activated = true;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record(GrainId, $"deactivate:{reason.ReasonCode}");
        return Task.CompletedTask;
    }

    public Task<bool> WasActivatedBeforeCall() => Task.FromResult(_activated);

    public async Task<int> Work(int sequence)
    {
        probe.Enter();
        _sequences.Add(sequence);
        probe.Record(GrainId, $"work:{sequence}");
        await Task.Delay(2);
        await Task.Yield();
        probe.Exit();
        return System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
    }

    public async Task WaitForGate()
    {
        probe.Record(GrainId, "gate:entered");
        await probe.Gate.Task;
        probe.Record(GrainId, "gate:passed");
    }

    public Task<string> Peek() => Task.FromResult("peeked");

    public Task DeactivateSoon()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public ValueTask<int> IdentityAsValueTask() => ValueTask.FromResult(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this));

    public async ValueTask ThrowAsValueTask(Exception exception)
    {
        await Task.Yield();
        throw exception;
    }

    public async Task ThrowAfterAwait(Exception exception)
    {
        await Task.Yield();
        throw exception;
    }

    public Task ThrowSynchronously(Exception exception) => throw exception;

    public Task<int> StartTimer(int periodMs)
    {
        RegisterGrainTimer(async cancellationToken =>
        {
            probe.Enter();
            probe.Record(GrainId, "tick");
            await Task.Delay(1, cancellationToken);
            await Task.Yield();
            probe.Exit();
        }, TimeSpan.Zero, TimeSpan.FromMilliseconds(periodMs));
        return Task.FromResult(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this));
    }

    public Task<int> CallOther(long otherKey) => GrainFactory.GetGrain<ICounterGrain>(otherKey).Work(0);
}

public interface IReentrantGrain : IGrainWithStringKey
{
    Task WaitForGate();
}

[Reentrant]
public sealed class ReentrantGrain(GrainProbe probe) : Grain, IReentrantGrain
{
    public async Task WaitForGate()
    {
        probe.Record(GrainId, "gate:entered");
        await probe.Gate.Task;
    }
}

public interface IPinnedGrain : IGrainWithStringKey
{
    Task Touch();
}

[KeepAlive]
public sealed class PinnedGrain(GrainProbe probe) : Grain, IPinnedGrain
{
    public Task Touch() => Task.CompletedTask;

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record(GrainId, $"deactivate:{reason.ReasonCode}");
        return Task.CompletedTask;
    }
}

public interface IBrokenGrain : IGrainWithStringKey
{
    Task Touch();
}

public sealed class BrokenGrain(GrainProbe probe) : Grain, IBrokenGrain
{
    public static readonly InvalidOperationException ActivationFailure = new("activation refused");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record(GrainId, "activate");
        throw ActivationFailure;
    }

    public Task Touch() => Task.CompletedTask;
}

public interface INamedGrain : IGrainWithStringKey
{
    Task<string> Describe(string prefix);
}

public interface ICalculatorGrain : INamedGrain
{
    ValueTask<long> Add(int left, long right, int? extra);
}

public sealed class CalculatorGrain : Grain, ICalculatorGrain
{
    public Task<string> Describe(string prefix) => Task.FromResult($"{prefix}{GrainId}");

    public ValueTask<long> Add(int left, long right, int? extra) => ValueTask.FromResult(left + right + (extra ?? 0));
}
