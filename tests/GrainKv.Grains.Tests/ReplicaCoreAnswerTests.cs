using Etcdserverpb;
using GrainKv.Shard;
using static GrainKv.Grains.Tests.FollowerReplicas;

namespace GrainKv.Grains.Tests;

/// <summary>
/// A follower passing on what the leader served: it answers, in its own name and term, only once it has applied as
/// far as the leader had, as an etcd member answers a write only after applying it.
/// </summary>
public sealed class ReplicaCoreAnswerTests
{
    [Fact]
    public async Task AnswerWhenApplied_BeforeTheFollowerApplied_WaitsThenAnswersInItsOwnName()
    {
        var core = Follower(replicaId: 2);
        Receive(core, from: 1, count: 2);

        var answer = core.AnswerWhenApplied(LeaderPut(appliedIndex: 3));

        Assert.False(answer.IsCompleted);
        Receive(core, from: 3, count: 1);
        Assert.True(answer.IsCompletedSuccessfully);
        var header = (await answer).Put.Header;
        Assert.Equal(2UL, header.MemberId);
        Assert.Equal(Term, header.RaftTerm);
        Assert.Equal(4L, header.Revision);
    }

    [Fact]
    public async Task AnswerWhenApplied_AlreadyApplied_AnswersAtOnce()
    {
        var core = Follower(replicaId: 3);
        Receive(core, from: 1, count: 3);

        var answer = core.AnswerWhenApplied(LeaderPut(appliedIndex: 3));

        Assert.True(answer.IsCompletedSuccessfully);
        Assert.Equal(3UL, (await answer).Put.Header.MemberId);
    }

    [Fact]
    public async Task AnswerWhenApplied_ReplicaStops_AnswersWhyInsteadOfTheLeadersReply()
    {
        var core = Follower(replicaId: 2);

        var answer = core.AnswerWhenApplied(LeaderPut(appliedIndex: 1));
        core.Stop();

        Assert.Equal(ShardError.Stopped, (await answer).Error);
    }

    [Fact]
    public async Task Read_Serializable_CarriesTheAppliedIndexItWasServedAt()
    {
        var core = Follower(replicaId: 2);
        Receive(core, from: 1, count: 2);

        var read = await core.Read(new ShardRead { Serializable = true, Range = new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("k1") } });

        Assert.Equal(2UL, read.AppliedIndex);
    }

    /// <summary>The leader's answer to the put at <paramref name="appliedIndex"/>, in the leader's name.</summary>
    private static ShardReply LeaderPut(ulong appliedIndex) => new()
    {
        AppliedIndex = appliedIndex,
        LeaderId = Leader,
        Put = new PutResponse { Header = new ResponseHeader { ClusterId = 1, MemberId = Leader, RaftTerm = Term, Revision = (long)appliedIndex + 1 } },
    };
}
