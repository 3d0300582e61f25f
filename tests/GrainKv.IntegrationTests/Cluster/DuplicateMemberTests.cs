using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>
/// A second process started with a member's name and data dir (an operator's slip, or a supervisor restarting a
/// process that is not dead) joins as a second Orleans silo of that name. Its replica of group 0, which starts with the
/// silo, claims the member's group 0 log and fences the first process's, which stops; the member's shard replica is a
/// grain that Orleans keeps where it is active, so it stays one, unfenced, in the first process. The group keeps serving
/// with every write it took.
/// </summary>
public sealed class DuplicateMemberTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SecondProcessOnAMembersDataDir_FencesTheFirstsGroup0Replica_ShardReplicaStaysOne_GroupKeepsItsData()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var member = cluster.Members[0];
        await cluster.MoveLeaderAsync(member);
        using var survivor = new EtcdClient(cluster.Members[1].ClientUrl);
        await survivor.PutAsync(new PutRequest { Key = B("dup/0"), Value = B("before") });

        using var second = cluster.StartSecondProcess(member, new Uri($"http://127.0.0.1:{FreePort.Next()}"), new Uri($"http://127.0.0.1:{FreePort.Next()}"));
        await second.WaitForOutputAsync("Now listening", Patience);
        for (var i = 1; i <= 10; i++) await PutAsync(survivor, $"dup/{i}", "during");
        await member.Process!.WaitForOutputAsync("of shard 0 stops: its writes with generation", Patience);
        for (var i = 11; i <= 20; i++) await PutAsync(survivor, $"dup/{i}", "after");

        Assert.DoesNotContain("of shard 1 stops", member.Process.Output);
        Assert.DoesNotContain("of shard 1 stops", second.Output);
        using var third = new EtcdClient(cluster.Members[2].ClientUrl);
        var keys = await survivor.RangeAsync(new RangeRequest { Key = B("dup/"), RangeEnd = B("dup0"), CountOnly = true });
        Assert.Equal(21, keys.Count);
        var revision = await PutAsync(survivor, "dup/last", "after");
        Assert.Equal((await survivor.HashKvAsync(revision)).Hash, (await HashWhenAppliedAsync(third, revision)).Hash);
    }

    /// <summary>
    /// Puts, asking again while the group answers Unavailable: when the fenced replica led, its pending writes end with
    /// "server stopped" (outcome unknown, as on etcd) until the others elect a leader. Asking again is harmless here:
    /// every key is written with one value. Returns the revision of the put that was answered.
    /// </summary>
    private static async Task<long> PutAsync(EtcdClient member, string key, string value) =>
        (await UnavailableRetry.CallAsync(() => member.PutAsync(new PutRequest { Key = B(key), Value = B(value) }), Patience)).Header.Revision;

    private static async Task<HashKVResponse> HashWhenAppliedAsync(EtcdClient member, long revision)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return await member.HashKvAsync(revision);
            }
            catch (Grpc.Core.RpcException error) when (error.Status.Detail.Contains("future revision", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);
}
