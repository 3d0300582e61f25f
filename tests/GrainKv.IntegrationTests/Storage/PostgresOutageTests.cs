using System.Collections.Concurrent;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Testing.Postgres;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Storage;

/// <summary>
/// Silos on PostgreSQL storage whose server is stopped under a write load and started again: the writes in
/// flight and those sent meanwhile fail with etcd's timeout error, the silos resume by themselves once the server
/// is back, and every acknowledged write is there afterwards, also after a silo is SIGKILLed and restarted.
/// </summary>
public sealed class PostgresOutageTests
{
    private const int Writers = 8;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static readonly (StatusCode, string)[] OutageErrorsOfAGroup =
    [
        (StatusCode.Unavailable, "etcdserver: request timed out"),
        (StatusCode.Unavailable, "etcdserver: no leader"),
        (StatusCode.Unavailable, "etcdserver: leader changed"),
    ];

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    [Fact]
    public async Task PostgresStoppedUnderLoad_WritesTimeOut_ThenServiceResumesAndLosesNothing()
    {
        await using var postgres = await PostgresServer.StartAsync();
        // The test server trusts loopback, so the password is only there to show it is never logged.
        var connection = await postgres.CreateDatabaseAsync("silo") + ";Password=never-logged";
        // Configured through the environment, as in the compose file (the cluster test below uses the flags).
        using var silo = await GrainKvServer.StartAsync(
            new Dictionary<string, string> { ["GRAINKV_STORAGE"] = "postgres", ["GRAINKV_POSTGRES_CONNECTION"] = connection },
            "--snapshot-count", "300");
        Assert.Contains($"Raft log store opened on PostgreSQL 127.0.0.1:{postgres.Port}/silo as postgres", silo.Process.Output);

        var load = await OutageUnderLoadAsync(postgres, [silo.ClientUrl]);

        Assert.All(load.Failures, error => Assert.Equal((StatusCode.Unavailable, "etcdserver: request timed out"), (error.StatusCode, error.Status.Detail)));
        await AssertAllPresentAsync(silo.ClientUrl, load.Acknowledged, "after the outage");
        Assert.DoesNotContain("never-logged", silo.Process.Output);
        await silo.KillAndRestartAsync();
        await AssertAllPresentAsync(silo.ClientUrl, load.Acknowledged, "after a restart of the silo");
    }

    /// <summary>
    /// Three silos, each with its own database on one server (as in development), so the outage takes every
    /// replica's storage at once. Followers whose storage hangs may also start elections that cannot finish, and
    /// one may win once the storage is back, so besides the timeout a caller may hear that there is no leader or
    /// that the leader changed under its proposal, as from etcd.
    /// </summary>
    [Fact]
    public async Task PostgresOfThreeSilosStoppedUnderLoad_WritesTimeOut_ThenServiceResumesAndLosesNothing()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connections = new Dictionary<string, string>();
        // GrainKvCluster names its members infra1..infraN.
        foreach (var name in new[] { "infra1", "infra2", "infra3" }) connections[name] = await postgres.CreateDatabaseAsync(name);
        using var cluster = await GrainKvCluster.StartAsync(extraArguments: member => ["--storage", "postgres", "--postgres-connection", connections[member.Name]]);

        var load = await OutageUnderLoadAsync(postgres, [.. cluster.Members.Select(m => m.ClientUrl)]);

        Assert.All(load.Failures, error => Assert.Contains((error.StatusCode, error.Status.Detail), OutageErrorsOfAGroup));
        await AssertAllPresentAsync(cluster.Members[0].ClientUrl, load.Acknowledged, "after the outage");
        var leader = await cluster.LeaderAsync();
        cluster.Kill(leader);
        await cluster.RestartAsync(leader);
        await AssertAllPresentAsync(leader.ClientUrl, load.Acknowledged, "after a restart of the leader's silo");
    }

    [Fact]
    public async Task StoragePostgresWithoutConnectionString_SiloRefusesToStart()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GrainKvServer.StartAsync("--storage", "postgres"));

        Assert.Contains("--storage postgres needs --postgres-connection", refused.Message);
    }

    /// <summary>
    /// Writers run; PostgreSQL is stopped once they are going, the first failure must be etcd's timeout, and
    /// writes must resume by themselves once it is started again. Returns the load for its records.
    /// </summary>
    private static async Task<PutLoad> OutageUnderLoadAsync(PostgresServer postgres, Uri[] endpoints)
    {
        var load = new PutLoad(endpoints);
        var writers = Enumerable.Range(0, Writers).Select(load.RunWriterAsync).ToArray();
        try
        {
            await load.WaitForAcknowledgedAsync(300, "writes before the outage");
            await postgres.StopAsync();
            var failure = await load.WaitForFailureAsync();
            Assert.Equal((StatusCode.Unavailable, "etcdserver: request timed out"), (failure.StatusCode, failure.Status.Detail));

            await postgres.StartAgainAsync();
            await load.WaitForAcknowledgedAsync(300, "writes after PostgreSQL was started again");
        }
        finally
        {
            load.Stop();
            await Task.WhenAll(writers).WaitAsync(Bound);
        }
        return load;
    }

    private static async Task AssertAllPresentAsync(Uri clientUrl, IReadOnlyDictionary<string, long> acknowledged, string when)
    {
        using var client = new EtcdClient(clientUrl);
        var stored = (await client.RangeAsync(new RangeRequest { Key = B("outage/"), RangeEnd = B("outage0") }))
            .Kvs.ToDictionary(kv => kv.Key.ToStringUtf8(), kv => kv.ModRevision);
        var lost = acknowledged.Where(ack => !stored.TryGetValue(ack.Key, out var revision) || revision != ack.Value).ToArray();
        Assert.True(lost.Length == 0,
            $"{when}: {lost.Length} of {acknowledged.Count} acknowledged writes are missing or changed, e.g. {lost.FirstOrDefault()}");
    }

    /// <summary>
    /// Writers (spread over the given silos) that put fresh keys without pause, recording what was acknowledged,
    /// with its revision, and what failed.
    /// </summary>
    private sealed class PutLoad(IReadOnlyList<Uri> clientUrls)
    {
        private readonly ConcurrentDictionary<string, long> _acknowledged = new();
        private readonly ConcurrentQueue<RpcException> _failures = new();
        private readonly CancellationTokenSource _stop = new();

        public IReadOnlyDictionary<string, long> Acknowledged => _acknowledged;
        public IEnumerable<RpcException> Failures => _failures;

        public void Stop() => _stop.Cancel();

        public async Task RunWriterAsync(int writer)
        {
            using var client = new EtcdClient(clientUrls[writer % clientUrls.Count]);
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                var key = $"outage/w{writer}/{i:D6}";
                try
                {
                    var response = await client.PutAsync(key, $"value-{i}");
                    _acknowledged[key] = response.Header.Revision;
                }
                catch (RpcException error)
                {
                    _failures.Enqueue(error);
                }
            }
        }

        public async Task WaitForAcknowledgedAsync(int more, string what)
        {
            var target = _acknowledged.Count + more;
            var deadline = DateTime.UtcNow + Bound;
            while (_acknowledged.Count < target)
            {
                if (DateTime.UtcNow > deadline) Assert.Fail($"fewer than {more} {what} within {Bound}; failures: {_failures.Count}, last: {_failures.LastOrDefault()?.Status.Detail}");
                await Task.Delay(20);
            }
        }

        public async Task<RpcException> WaitForFailureAsync()
        {
            var deadline = DateTime.UtcNow + Bound;
            while (!_failures.TryPeek(out _))
            {
                if (DateTime.UtcNow > deadline) Assert.Fail($"no write failed within {Bound} of stopping PostgreSQL");
                await Task.Delay(20);
            }
            _failures.TryPeek(out var first);
            return first!;
        }
    }
}
