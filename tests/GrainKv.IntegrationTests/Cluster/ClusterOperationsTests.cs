using System.Globalization;
using System.Text.Json.Nodes;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>A 3-silo cluster as an operator drives it with etcdctl: status, members, replication, move-leader.</summary>
public sealed class ClusterOperationsTests
{
    [Fact]
    public async Task ThreeSilos_OneLeaderThreeMembers_WritesReplicate_MoveLeaderMovesIt()
    {
        using var cluster = await GrainKvCluster.StartAsync();

        var statuses = await StatusesAsync(cluster);
        var leaderId = statuses[0]["leader"]!.GetValue<ulong>();
        Assert.All(statuses, s => Assert.Equal(leaderId, s["leader"]!.GetValue<ulong>()));
        Assert.Single(statuses, s => s["header"]!["member_id"]!.GetValue<ulong>() == leaderId);

        var members = await Infrastructure.Etcdctl.RunAsync(cluster.Endpoints, null, "-w", "json", "member", "list");
        Assert.True(members.ExitCode == 0, members.Stderr);
        var list = JsonNode.Parse(members.Stdout)!["members"]!.AsArray();
        Assert.Equal(cluster.Members.Select(m => m.Name).Order(), list.Select(m => m!["name"]!.GetValue<string>()).Order());
        Assert.All(list, m => Assert.Single(m!["clientURLs"]!.AsArray()));

        // A write through one member is readable, serializably, from every member's own replica.
        using (var client = new EtcdClient(cluster.Members[0].ClientUrl))
        {
            await client.PutAsync("cluster/a", "1");
        }
        foreach (var member in cluster.Members)
        {
            using var client = new EtcdClient(member.ClientUrl);
            await Eventually(async () =>
            {
                var read = await client.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("cluster/a"), Serializable = true });
                return read.Kvs.Count == 1 && read.Kvs[0].Value.ToStringUtf8() == "1";
            }, $"{member.Name} never saw the write");
        }

        var leader = cluster.Members.Single(m => MemberId(statuses, m) == leaderId);
        var target = cluster.Members.First(m => m != leader);
        var targetId = MemberId(statuses, target);
        var move = await Infrastructure.Etcdctl.RunAsync(leader.Endpoint, null, "move-leader", targetId.ToString("x", CultureInfo.InvariantCulture));
        Assert.True(move.ExitCode == 0, move.Stderr + move.Stdout);
        Assert.Contains($"to {targetId:x}", move.Stdout);
        Assert.All(await StatusesAsync(cluster), s => Assert.Equal(targetId, s["leader"]!.GetValue<ulong>()));

        var notLeader = await Infrastructure.Etcdctl.RunAsync(leader.Endpoint, null, "move-leader", targetId.ToString("x", CultureInfo.InvariantCulture));
        Assert.NotEqual(0, notLeader.ExitCode);
    }

    private static ulong MemberId(IReadOnlyList<JsonNode> statuses, GrainKvCluster.Member member) =>
        statuses.Single(s => s["Endpoint"]!.GetValue<string>() == member.Endpoint)["header"]!["member_id"]!.GetValue<ulong>();

    private static async Task<IReadOnlyList<JsonNode>> StatusesAsync(GrainKvCluster cluster)
    {
        var result = await Infrastructure.Etcdctl.RunAsync(cluster.Endpoints, null, "-w", "json", "endpoint", "status");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonNode.Parse(result.Stdout)!.AsArray().Select(e =>
        {
            var status = e!["Status"]!.DeepClone();
            status["Endpoint"] = e["Endpoint"]!.GetValue<string>();
            return status;
        }).ToArray();
    }

    private static async Task Eventually(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail(failure);
    }
}
