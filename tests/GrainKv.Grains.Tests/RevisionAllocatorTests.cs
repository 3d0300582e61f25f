using GrainKv.Grains.Replication;
using GrainKv.Shard;

namespace GrainKv.Grains.Tests;

/// <summary>
/// A silo's way to the revision oracle: one allocation in flight; what is asked meanwhile goes in the next, never in
/// one already sent; answers in the order asked.
/// </summary>
public sealed class RevisionAllocatorTests
{
    [Fact]
    public async Task Requests_WhileAnAllocationIsInFlight_GoTogetherInTheNext_AnsweredInOrder()
    {
        var allocations = new List<(uint Count, TaskCompletionSource<ShardReply> Reply)>();
        var asked = new SemaphoreSlim(0);
        var allocator = new RevisionAllocator(count =>
        {
            var reply = new TaskCompletionSource<ShardReply>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (allocations) allocations.Add((count, reply));
            asked.Release();
            return reply.Task;
        }, answered: () => { });
        var granted = new List<long>();
        var done = new CountdownEvent(4);
        void Grant(long revision)
        {
            lock (granted) granted.Add(revision);
            done.Signal();
        }

        allocator.Request(Grant, _ => { });
        await asked.WaitAsync(TimeSpan.FromSeconds(5));
        allocator.Request(Grant, _ => { });
        allocator.Request(Grant, _ => { });
        allocator.Request(Grant, _ => { });
        allocations[0].Reply.SetResult(Block(10, 10));
        await asked.WaitAsync(TimeSpan.FromSeconds(5));
        allocations[1].Reply.SetResult(Block(20, 22));

        Assert.True(done.Wait(TimeSpan.FromSeconds(5)));
        Assert.Equal([1u, 3u], allocations.Select(a => a.Count));
        Assert.Equal([10L, 20, 21, 22], granted);
    }

    [Fact]
    public async Task FailedAllocation_FailsEveryRequestInIt_WithGroup0sError()
    {
        var allocator = new RevisionAllocator(_ => Task.FromResult(new ShardReply { Error = ShardError.NoLeader }), answered: () => { });
        var failed = new TaskCompletionSource<ShardError>();

        allocator.Request(_ => failed.SetException(new InvalidOperationException("granted")), error => failed.SetResult(error));

        Assert.Equal(ShardError.NoLeader, await failed.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task AllocationThatThrows_OrAnswersTheWrongCount_FailsAsATimeout_AndTheNextOneIsAskedStill()
    {
        var calls = 0;
        var allocator = new RevisionAllocator(_ => ++calls switch
        {
            1 => throw new InvalidOperationException("group 0 unreachable"),
            2 => Task.FromResult(Block(5, 9)),
            _ => Task.FromResult(Block(30, 30)),
        }, answered: () => { });

        Assert.Equal(ShardError.Timeout, await FailureOf(allocator));
        Assert.Equal(ShardError.Timeout, await FailureOf(allocator));
        var granted = new TaskCompletionSource<long>();
        allocator.Request(granted.SetResult, error => granted.SetException(new InvalidOperationException(error.ToString())));
        Assert.Equal(30, await granted.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private static async Task<ShardError> FailureOf(RevisionAllocator allocator)
    {
        var failed = new TaskCompletionSource<ShardError>();
        allocator.Request(_ => failed.SetException(new InvalidOperationException("granted")), failed.SetResult);
        return await failed.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static ShardReply Block(long first, long last) => new() { Revisions = new RevisionBlock { First = first, Last = last } };
}
