using System.Diagnostics;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Testing.Linearizability;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Sharding;

/// <summary>
/// Writes on four shards by concurrent clients: a write acknowledged before another started has the smaller revision,
/// and no two writes share one, even while a silo holding shard leaders is killed.
/// </summary>
public sealed class RevisionOrderTests
{
    [Fact]
    public async Task ConcurrentWritesOnFourShards_RevisionsFollowRealTimeOrder()
    {
        using var cluster = await GrainKvCluster.StartAsync(3, _ => ["--initial-shards", "4"]);

        var writes = await WriteConcurrentlyAsync(cluster.Members, workers: 8, writesEach: 40, during: null);

        Assert.Equal(8 * 40, writes.Count);
        AssertRealTimeOrder(writes);
    }

    [Fact]
    public async Task ConcurrentWritesOnFourShards_WhileASiloIsKilled_AcknowledgedRevisionsFollowRealTimeOrder()
    {
        using var cluster = await GrainKvCluster.StartAsync(3, _ => ["--initial-shards", "4"]);
        var survivors = cluster.Members.Take(2).ToArray();

        var writes = await WriteConcurrentlyAsync(survivors, workers: 6, writesEach: 60, during: async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            cluster.Kill(cluster.Members[2]);
        });

        Assert.True(writes.Count > 60, $"only {writes.Count} writes were acknowledged");
        AssertRealTimeOrder(writes);
    }

    private sealed record Write(long StartTicks, long EndTicks, long Revision, string Key);

    private static async Task<List<Write>> WriteConcurrentlyAsync(IReadOnlyList<GrainKvCluster.Member> members, int workers, int writesEach, Func<Task>? during)
    {
        var acknowledged = new List<Write>();
        var fault = during?.Invoke() ?? Task.CompletedTask;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            using var client = new EtcdClient(members[worker % members.Count].ClientUrl);
            var random = new Random(worker);
            for (var i = 0; i < writesEach; i++)
            {
                var key = $"{ShardedClusterTests.KeyPerShard[random.Next(ShardedClusterTests.KeyPerShard.Length)]}/{worker}";
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var put = await client.PutAsync(key, $"{i}");
                    lock (acknowledged) acknowledged.Add(new Write(start, Stopwatch.GetTimestamp(), put.Header.Revision, key));
                }
                catch (RpcException error) when (error.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                    // An election under way, or the write's outcome unknown: only acknowledged writes are checked.
                }
            }
        }));
        await fault;
        return acknowledged;
    }

    private static void AssertRealTimeOrder(List<Write> writes)
    {
        var violation = RealTimeRevisionOrder.Violation(writes.Select(w => new RealTimeRevisionOrder.Write(w.StartTicks, w.EndTicks, w.Revision, w.Key)).ToList());
        Assert.True(violation is null, violation);
    }
}
