using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>
/// What a member that does not lead answers, as an etcd member does: a write it acknowledged is already applied
/// there, so its own serializable reads and read-only txns see it; and every answer names that member and its term,
/// also through a stand-alone gateway, which passes on the header of the member that served it as etcd's gRPC proxy does.
/// </summary>
public sealed class FollowerAnswerTests(ClusterWithGateway silos) : IClassFixture<ClusterWithGateway>
{
    private const int Rounds = 200;

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task PutOnFollower_SerializableGetOnThatFollower_SeesEveryAcknowledgedWrite()
    {
        using var follower = new EtcdClient((await FollowerAsync()).ClientUrl);

        var stale = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var value = $"v{round}";
            await follower.PutAsync(new PutRequest { Key = B("follower/get"), Value = B(value) });
            var read = await follower.RangeAsync(new RangeRequest { Key = B("follower/get"), Serializable = true });
            var seen = read.Kvs.Count == 1 ? read.Kvs[0].Value.ToStringUtf8() : "(none)";
            if (seen != value) stale.Add($"round {round}: wrote {value}, read {seen}");
        }

        Assert.True(stale.Count == 0, $"{stale.Count} stale reads in {Rounds}: {string.Join("; ", stale.Take(5))}");
    }

    [Fact]
    public async Task PutOnFollower_CompareOnlyTxnOnThatFollower_SeesEveryAcknowledgedWrite()
    {
        using var follower = new EtcdClient((await FollowerAsync()).ClientUrl);

        var failed = new List<int>();
        for (var round = 0; round < Rounds; round++)
        {
            var value = $"v{round}";
            await follower.PutAsync(new PutRequest { Key = B("follower/txn"), Value = B(value) });
            var txn = await follower.TxnAsync(new TxnRequest
            {
                Compare = { new Compare { Key = B("follower/txn"), Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = B(value) } },
            });
            if (!txn.Succeeded) failed.Add(round);
        }

        Assert.True(failed.Count == 0, $"{failed.Count} compares in {Rounds} missed the write just acknowledged, rounds {string.Join(", ", failed.Take(10))}");
    }

    [Fact]
    public async Task Follower_WritesLinearizableReadsAndMemberList_NameTheFollowerAndItsTerm()
    {
        var member = await FollowerAsync();
        using var follower = new EtcdClient(member.ClientUrl);
        var status = await follower.StatusAsync();
        var followerId = status.Header.MemberId;

        var put = await follower.PutAsync(new PutRequest { Key = B("follower/header"), Value = B("v") });
        var get = await follower.RangeAsync(new RangeRequest { Key = B("follower/header") });
        var txn = await follower.TxnAsync(new TxnRequest { Success = { new RequestOp { RequestPut = new PutRequest { Key = B("follower/header"), Value = B("w") } } } });
        var members = await follower.MemberListAsync();

        foreach (var (what, header) in new[] { ("put", put.Header), ("get", get.Header), ("txn", txn.Header), ("member list", members.Header) })
        {
            Assert.True(header.MemberId == followerId, $"{what} answered as {header.MemberId:x}, not as the follower {followerId:x}");
            Assert.True(header.RaftTerm == status.RaftTerm, $"{what} carries raft_term {header.RaftTerm}, the follower is at {status.RaftTerm}");
        }
    }

    [Fact]
    public async Task Gateway_WritesReadsAndMemberList_NameTheServingMemberAndItsTerm()
    {
        var memberIds = new List<ulong>();
        foreach (var member in silos.Cluster.Members)
        {
            using var client = new EtcdClient(member.ClientUrl);
            memberIds.Add((await client.StatusAsync()).Header.MemberId);
        }
        using var gateway = new EtcdClient(silos.Gateway.ClientUrl);

        var put = await gateway.PutAsync(new PutRequest { Key = B("gateway/header"), Value = B("v") });
        var get = await gateway.RangeAsync(new RangeRequest { Key = B("gateway/header") });
        var members = await gateway.MemberListAsync();

        foreach (var (what, header) in new[] { ("put", put.Header), ("get", get.Header), ("member list", members.Header) })
        {
            Assert.True(memberIds.Contains(header.MemberId), $"{what} through the gateway answered as {header.MemberId:x}, no member's id");
            Assert.True(header.RaftTerm > 0, $"{what} through the gateway carries no raft_term");
        }
    }

    private async Task<GrainKvCluster.Member> FollowerAsync()
    {
        var leader = await silos.Cluster.LeaderAsync();
        return silos.Cluster.Members.First(m => m != leader);
    }
}
