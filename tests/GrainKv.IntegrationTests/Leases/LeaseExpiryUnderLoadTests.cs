using System.Diagnostics;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;

namespace GrainKv.IntegrationTests.Leases;

/// <summary>
/// A lease on a silo process busy with puts as fast as 64 clients can send them: Raft ticks run
/// apart from the write loop, so the lease still expires on time (ReplicaDriver used to tick only
/// when a round found nothing to do).
/// </summary>
public sealed class LeaseExpiryUnderLoadTests
{
    private const long LeaseTtlSeconds = 2;
    private const int Writers = 64;
    private const int PutsMax = 200_000;

    /// <summary>The silo's default --election-timeout.</summary>
    private static readonly TimeSpan ElectionTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Lease_UnderSustainedFullSpeedWrites_ExpiresWithinTwoElectionTimeoutsOfItsTtl()
    {
        using var server = await GrainKvServer.StartAsync();
        var clients = Enumerable.Range(0, 4).Select(_ => new EtcdClient(server.ClientUrl)).ToList();
        try
        {
            using var load = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var puts = 0;
            var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                var client = clients[writer % clients.Count];
                var value = ByteString.CopyFrom(new byte[64]);
                while (!load.IsCancellationRequested && Interlocked.Increment(ref puts) <= PutsMax)
                {
                    await client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"load/{writer}"), Value = value });
                }
            })).ToList();
            // The load is on before the lease is granted, and stays on until it is gone or the load's bounds run out.
            while (Volatile.Read(ref puts) < 1000) await Task.Delay(10);

            var key = ByteString.CopyFromUtf8("leased");
            var granted = Stopwatch.StartNew();
            var lease = await clients[0].LeaseGrantAsync(new LeaseGrantRequest { TTL = LeaseTtlSeconds });
            await clients[0].PutAsync(new PutRequest { Key = key, Value = key, Lease = lease.ID });
            TimeSpan? expiredAfter = null;
            while (!load.IsCancellationRequested && Volatile.Read(ref puts) < PutsMax)
            {
                if ((await clients[0].RangeAsync(new RangeRequest { Key = key })).Kvs.Count == 0)
                {
                    expiredAfter = granted.Elapsed;
                    break;
                }
                await Task.Delay(50);
            }
            var stillLoaded = !load.IsCancellationRequested && Volatile.Read(ref puts) < PutsMax;
            await load.CancelAsync();
            await Task.WhenAll(writers);

            Assert.True(expiredAfter is not null && stillLoaded, $"the lease outlived the load ({Volatile.Read(ref puts)} puts)");
            Assert.InRange(expiredAfter.Value, TimeSpan.FromSeconds(LeaseTtlSeconds), TimeSpan.FromSeconds(LeaseTtlSeconds) + 2 * ElectionTimeout);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }
}
