using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>
/// A second process started with a member's name and data dir (an operator's slip, or a supervisor restarting a
/// process that is not dead) claims the member's log store: the replica of the process that was there first is fenced
/// and stops, and the group keeps serving with every write it took.
/// </summary>
public sealed class DuplicateMemberTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SecondProcessOnAMembersDataDir_FencesTheFirst_WhichNeitherAppendsNorApplies_GroupKeepsItsData()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var member = cluster.Members[0];
        // The harder case: the replica that gets fenced leads, so the others must elect another.
        await cluster.MoveLeaderAsync(member);
        using var first = new EtcdClient(member.ClientUrl);
        using var survivor = new EtcdClient(cluster.Members[1].ClientUrl);
        await survivor.PutAsync(new PutRequest { Key = B("dup/0"), Value = B("before") });

        using var second = cluster.StartSecondProcess(member, new Uri($"http://127.0.0.1:{FreePort.Next()}"), new Uri($"http://127.0.0.1:{FreePort.Next()}"));
        await second.WaitForOutputAsync("Now listening", Patience);
        for (var i = 1; i <= 10; i++) await PutAsync(survivor, $"dup/{i}", "during");
        await member.Process!.WaitForOutputAsync("are fenced by generation", Patience);
        var frozen = await first.StatusAsync();
        for (var i = 11; i <= 20; i++) await PutAsync(survivor, $"dup/{i}", "after");

        var after = await first.StatusAsync();
        Assert.Equal((frozen.RaftIndex, frozen.RaftAppliedIndex), (after.RaftIndex, after.RaftAppliedIndex));
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
    private static async Task<long> PutAsync(EtcdClient member, string key, string value)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return (await member.PutAsync(new PutRequest { Key = B(key), Value = B(value) })).Header.Revision;
            }
            catch (Grpc.Core.RpcException error) when (error.StatusCode == Grpc.Core.StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

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
