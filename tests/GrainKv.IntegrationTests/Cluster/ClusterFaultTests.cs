using System.Collections.Concurrent;
using System.Diagnostics;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Runtime.Grpc;
using GrainKv.Testing.Linearizability;

namespace GrainKv.IntegrationTests.Cluster;

/// <summary>
/// Three silo processes on SQLite under a continuous client load: the leader's silo is SIGKILLed
/// and restarted, then a follower's. Writes resume after each kill, every acknowledged write ends
/// up on every replica, the replicas converge to equal HashKV at one revision, and the clients'
/// history of put / get / compare-and-swap is linearizable.
/// </summary>
public sealed class ClusterFaultTests
{
    private const int Clients = 4;
    private static readonly string[] RegisterKeys = ["reg/0", "reg/1", "reg/2"];
    private static readonly TimeSpan ResumeWithin = TimeSpan.FromSeconds(15);

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task KillLeaderThenFollower_UnderLoad_LosesNothingAndStaysLinearizable()
    {
        using var cluster = await GrainKvCluster.StartAsync();
        var load = new Load(cluster);
        var clients = Enumerable.Range(0, Clients).Select(load.RunClientAsync).ToArray();

        await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(20));
        var leader = await cluster.LeaderAsync();
        cluster.Kill(leader);
        await load.WaitForWritesAsync(50, ResumeWithin, $"writes did not resume within {ResumeWithin} after killing leader {leader.Name}");
        await cluster.RestartAsync(leader);
        await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(20));

        var follower = cluster.Members.First(m => m != leader);
        if (follower == await cluster.LeaderAsync()) follower = cluster.Members.Last(m => m != leader && m != follower);
        cluster.Kill(follower);
        await load.WaitForWritesAsync(50, ResumeWithin, $"writes did not resume within {ResumeWithin} after killing follower {follower.Name}");
        await cluster.RestartAsync(follower);
        await load.WaitForWritesAsync(50, TimeSpan.FromSeconds(20));

        load.Stop();
        await Task.WhenAll(clients);

        var revision = await ConvergedRevisionAsync(cluster);
        foreach (var member in cluster.Members)
        {
            using var client = new EtcdClient(member.ClientUrl);
            var acknowledged = await client.RangeAsync(new RangeRequest { Key = B("ack/"), RangeEnd = B("ack0"), Serializable = true, KeysOnly = true });
            var present = acknowledged.Kvs.Select(kv => kv.Key.ToStringUtf8()).ToHashSet();
            var missing = load.AcknowledgedKeys.Where(k => !present.Contains(k)).ToArray();
            Assert.True(missing.Length == 0, $"{member.Name} at revision {revision} lacks {missing.Length} acknowledged writes, e.g. {missing.FirstOrDefault()}");
        }
        LinearizabilityChecker.Assert(load.History, "3-silo fault test");
    }

    /// <summary>Waits until every member has applied the same revision and hashes its history equally.</summary>
    private static async Task<long> ConvergedRevisionAsync(GrainKvCluster cluster)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var hashes = new List<(long Revision, uint Hash)>();
            foreach (var member in cluster.Members)
            {
                using var client = new EtcdClient(member.ClientUrl);
                var hash = await client.Call("/etcdserverpb.Maintenance/HashKV", new HashKVRequest(), HashKVResponse.Parser);
                hashes.Add((hash.Header.Revision, hash.Hash));
            }
            if (hashes.Distinct().Count() == 1) return hashes[0].Revision;
            last = string.Join(", ", hashes);
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"replicas did not converge: {last}");
    }

    /// <summary>Clients that each cycle through the members, failing over on errors, and record what they saw.</summary>
    private sealed class Load(GrainKvCluster cluster)
    {
        private readonly ConcurrentBag<Operation> _history = [];
        private readonly ConcurrentBag<string> _acknowledged = [];
        private readonly CancellationTokenSource _stop = new();
        private long _writes;

        public IEnumerable<Operation> History => _history;
        public IEnumerable<string> AcknowledgedKeys => _acknowledged;

        public void Stop() => _stop.Cancel();

        public async Task WaitForWritesAsync(long count, TimeSpan within, string? failure = null)
        {
            var target = Interlocked.Read(ref _writes) + count;
            var deadline = DateTime.UtcNow + within;
            while (Interlocked.Read(ref _writes) < target)
            {
                if (DateTime.UtcNow > deadline) Assert.Fail(failure ?? $"fewer than {count} writes within {within}");
                await Task.Delay(20);
            }
        }

        public async Task RunClientAsync(int clientId)
        {
            var random = new Random(clientId);
            var memberIndex = clientId;
            var sequence = 0;
            while (!_stop.IsCancellationRequested)
            {
                var member = cluster.Members[memberIndex % cluster.Members.Count];
                using var client = new EtcdClient(member.ClientUrl);
                try
                {
                    while (!_stop.IsCancellationRequested)
                    {
                        sequence++;
                        await OneOperationAsync(client, clientId, sequence, random);
                    }
                }
                catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or TaskCanceledException)
                {
                    memberIndex++;
                    await Task.Delay(50);
                }
            }
        }

        private async Task OneOperationAsync(EtcdClient client, int clientId, int sequence, Random random)
        {
            var key = RegisterKeys[random.Next(RegisterKeys.Length)];
            var value = $"c{clientId}-{sequence}";
            var call = Stopwatch.GetTimestamp();
            switch (random.Next(4))
            {
                case 0:
                    await Record(Operation.Put(clientId, key, value, call, Operation.NeverReturned), async () =>
                    {
                        await client.PutAsync(key, value);
                        return op => op with { ReturnTime = Stopwatch.GetTimestamp() };
                    });
                    break;
                case 1:
                    var expected = $"c{random.Next(Clients)}-{Math.Max(1, sequence - random.Next(1, 10))}";
                    await Record(Operation.Cas(clientId, key, expected, value, false, call, Operation.NeverReturned), async () =>
                    {
                        var txn = await client.TxnAsync(new TxnRequest
                        {
                            Compare = { new Compare { Key = B(key), Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = B(expected) } },
                            Success = { new RequestOp { RequestPut = new PutRequest { Key = B(key), Value = B(value) } } },
                        });
                        return op => op with { Succeeded = txn.Succeeded, ReturnTime = Stopwatch.GetTimestamp() };
                    });
                    break;
                case 2:
                    var read = await client.RangeAsync(new RangeRequest { Key = B(key) });
                    _history.Add(Operation.Get(clientId, key, read.Kvs.Count == 0 ? null : read.Kvs[0].Value.ToStringUtf8(), call, Stopwatch.GetTimestamp()));
                    break;
                default:
                    var ackKey = $"ack/{clientId}/{sequence:D6}";
                    await client.PutAsync(ackKey, value);
                    _acknowledged.Add(ackKey);
                    Interlocked.Increment(ref _writes);
                    break;
            }
        }

        /// <summary>A write whose call failed may or may not have happened: it goes into the history with an unknown outcome.</summary>
        private async Task Record(Operation pending, Func<Task<Func<Operation, Operation>>> call)
        {
            try
            {
                var complete = await call();
                _history.Add(complete(pending));
                Interlocked.Increment(ref _writes);
            }
            catch
            {
                _history.Add(pending.WithUnknownOutcome());
                throw;
            }
        }
    }
}
