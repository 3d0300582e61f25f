using System.Reflection;
using GrainKv.Grains.Replication;
using GrainKv.Shard;

namespace GrainKv.Grains.Tests;

/// <summary>
/// A front door's calls to the leader when the leader's silo drops away: a read goes to the next leader, a write whose
/// call may have reached the old one is not sent again (it could then apply twice), and a call that only timed out
/// leaves the leader where it is.
/// </summary>
public sealed class LeaderFollowerTests
{
    private const ulong OldLeader = 1;
    private const ulong NewLeader = 2;

    [Fact]
    public async Task Write_RejectedOnTheWayToTheLeader_IsNotSentAgain_AndItsOutcomeIsUnknown()
    {
        var (reply, called, _) = await CallWithTheOldLeaderRejectingAsync(idempotent: false);

        Assert.Equal(ShardError.Timeout, reply.Error);
        Assert.Equal([OldLeader], called);
    }

    [Fact]
    public async Task Read_RejectedOnTheWayToTheLeader_IsAnsweredByTheNextLeader()
    {
        var (reply, called, asked) = await CallWithTheOldLeaderRejectingAsync(idempotent: true);

        Assert.Equal((ShardError.None, NewLeader), (reply.Error, reply.LeaderId));
        Assert.Equal([OldLeader, NewLeader], called);
        Assert.Equal([0UL, OldLeader], asked);
    }

    [Fact]
    public async Task CallThatTimedOut_LeavesTheLeader_SoTheNextCallGoesThereAgain()
    {
        var leaders = new Leaders(OldLeader, NewLeader);
        var follower = new LeaderFollower(leaders.WaitForLeader);

        var first = await follower.CallAsync(_ => throw new TimeoutException(), idempotent: false);
        var second = await follower.CallAsync(_ => Task.FromResult(new ShardReply()), idempotent: false);

        Assert.Equal(ShardError.Timeout, first.Error);
        Assert.Equal((ShardError.None, OldLeader), (second.Error, second.LeaderId));
        Assert.Equal([0UL, 0UL], leaders.Asked);
    }

    /// <summary>One call while the old leader's silo rejects what is sent to it: the reply, the leaders called, and what the nearest replica was asked.</summary>
    private static async Task<(ShardReply Reply, List<ulong> Called, List<ulong> Asked)> CallWithTheOldLeaderRejectingAsync(bool idempotent)
    {
        var leaders = new Leaders(OldLeader, NewLeader);
        var called = new List<ulong>();
        var reply = await new LeaderFollower(leaders.WaitForLeader).CallAsync(leader =>
        {
            called.Add(leader);
            return leader == OldLeader ? throw ConnectionTerminated() : Task.FromResult(new ShardReply());
        }, idempotent);
        return (reply, called, leaders.Asked);
    }

    /// <summary>
    /// What Orleans answers for a message it had written to a connection that then closed, whether or not the other
    /// side got it. Orleans makes these only itself, so the test does through its non-public constructor.
    /// </summary>
    private static OrleansMessageRejectionException ConnectionTerminated() =>
        (OrleansMessageRejectionException)Activator.CreateInstance(typeof(OrleansMessageRejectionException),
            BindingFlags.Instance | BindingFlags.NonPublic, binder: null, ["Connection terminated"], culture: null)!;

    /// <summary>
    /// The nearest replica's WaitForLeader, and what it was asked: it knows <paramref name="leader"/>, and once asked for
    /// another, the one elected after it.
    /// </summary>
    private sealed class Leaders(ulong leader, ulong next)
    {
        public List<ulong> Asked { get; } = [];

        public Task<ulong> WaitForLeader(ulong stale)
        {
            Asked.Add(stale);
            return Task.FromResult(stale == leader ? next : leader);
        }
    }
}
