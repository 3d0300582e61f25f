using System.Collections.Concurrent;
using GrainKv.Runtime;

namespace GrainKv.Runtime.Tests.Grains;

/// <summary>What the test grains report: their lifecycle events and how many of their turns overlapped.</summary>
public sealed class GrainProbe
{
    private readonly ConcurrentQueue<(GrainId GrainId, string Event)> _events = new();
    private int _running;
    private int _runningMax;

    /// <summary>Released by the test to let gated grain methods finish.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int RunningMax => Volatile.Read(ref _runningMax);

    public void Record(GrainId grainId, string @event) => _events.Enqueue((grainId, @event));

    public int Count(GrainId grainId, string @event) => _events.Count(e => e.GrainId == grainId && e.Event == @event);

    public int Count(string @event) => _events.Count(e => e.Event == @event);

    public IReadOnlyList<string> EventsOf(GrainId grainId) => [.. _events.Where(e => e.GrainId == grainId).Select(e => e.Event)];

    /// <summary>Counts the caller as running until <see cref="Exit"/>, keeping the largest count seen.</summary>
    public void Enter()
    {
        var running = Interlocked.Increment(ref _running);
        int max;
        while (running > (max = Volatile.Read(ref _runningMax)) && Interlocked.CompareExchange(ref _runningMax, running, max) != max)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref _running);
}
