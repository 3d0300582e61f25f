using Google.Protobuf;
using GrainKv.Grains.Replication;
using GrainKv.Raft;
using GrainKv.Shard;
using static GrainKv.Grains.Tests.FollowerReplicas;

namespace GrainKv.Grains.Tests;

/// <summary>A write taken by a follower goes to its leader and is answered by the follower once it applied it, as on etcd.</summary>
public sealed class ReplicaCoreForwardingTests
{
    [Fact]
    public async Task Propose_OnAFollower_GoesToItsLeaderAndIsAnsweredHereOnceApplied()
    {
        var core = FollowingTheLeader();

        var reply = core.Propose(Put("k"));
        var forwarded = Assert.Single(Handle(core), m => m.Type == MessageType.Propose);
        Assert.Equal(Leader, forwarded.To);
        Assert.False(reply.IsCompleted);
        var appended = new Entry { Index = 2, Term = Term, Type = EntryType.EntryNormal, Data = Assert.Single(forwarded.Entries).Data };
        core.Step(new Message { Type = MessageType.Append, From = Leader, To = 2, Term = Term, Index = 1, LogTerm = Term, Commit = 2, Entries = { appended } });
        Handle(core);

        var answer = await reply;
        Assert.Equal(ShardError.None, answer.Error);
        Assert.Equal(2UL, answer.AppliedIndex);
        Assert.Equal((2UL, Term), (answer.Put.Header.MemberId, answer.Put.Header.RaftTerm));
        Assert.Equal(Leader, answer.LeaderId);
    }

    [Fact]
    public void Propose_OnAFollower_AnotherFollowersEntryWithTheSameIdAnswersNothing()
    {
        var core = FollowingTheLeader();
        var reply = core.Propose(Put("k"));
        var forwarded = ShardCommand.Parser.ParseFrom(Assert.Single(Assert.Single(Handle(core), m => m.Type == MessageType.Propose).Entries).Data);

        forwarded.Proposer = 3;
        var fromReplica3 = new Entry { Index = 2, Term = Term, Type = EntryType.EntryNormal, Data = forwarded.ToByteString() };
        core.Step(new Message { Type = MessageType.Append, From = Leader, To = 2, Term = Term, Index = 1, LogTerm = Term, Commit = 2, Entries = { fromReplica3 } });
        Handle(core);

        Assert.False(reply.IsCompleted);
        Assert.Equal(1, core.PendingProposals);
    }

    [Fact]
    public async Task Propose_OnAFollower_EntryOfALaterTermAppliedFirst_RefusedAsNeverApplied()
    {
        var core = FollowingTheLeader();
        var reply = core.Propose(Put("lost"));
        Handle(core);

        // Replica 3 won term 2 without the forwarded write, and its first entry commits.
        var newLeadersEntry = new Entry { Index = 2, Term = Term + 1, Type = EntryType.EntryNormal };
        core.Step(new Message { Type = MessageType.Append, From = 3, To = 2, Term = Term + 1, Index = 1, LogTerm = Term, Commit = 2, Entries = { newLeadersEntry } });
        Handle(core);

        Assert.Equal(ShardError.LeaderChanged, (await reply).Error);
        Assert.Equal(0, core.PendingProposals);
    }

    [Fact]
    public async Task Propose_OnAFollower_ReplicaStops_AnsweredStopped()
    {
        var core = FollowingTheLeader();
        var reply = core.Propose(Put("k"));

        core.Stop();

        Assert.Equal(ShardError.Stopped, (await reply).Error);
    }

    /// <summary>Replica 2, which has heard from its leader, replica 1, and applied its first entry.</summary>
    private static ReplicaCore FollowingTheLeader()
    {
        var core = Follower(replicaId: 2);
        Receive(core, from: 1, count: 1);
        return core;
    }

    /// <summary>Handles what the core made ready as ReplicaDriver would; returns the messages it sent.</summary>
    private static List<Message> Handle(ReplicaCore core)
    {
        var sent = new List<Message>();
        while (core.TakeReady() is { } ready)
        {
            sent.AddRange(ready.Messages);
            core.Apply(ready);
            sent.AddRange(ready.MessagesAfterPersist);
            core.Advance(ready);
        }
        return sent;
    }
}
