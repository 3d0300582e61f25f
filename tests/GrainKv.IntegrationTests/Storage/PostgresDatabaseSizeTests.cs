using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Testing.Postgres;
using Grpc.Core;
using Npgsql;

namespace GrainKv.IntegrationTests.Storage;

/// <summary>
/// With PostgreSQL storage the silo's data dir holds next to nothing: dbSize and the backend quota count the silo's
/// database on its server instead.
/// </summary>
public sealed class PostgresDatabaseSizeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PostgresStorage_DbSizeIsTheDatabases_AndTheQuotaCountsIt()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connection = await postgres.CreateDatabaseAsync("silo");
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using var size = dataSource.CreateCommand("SELECT pg_database_size(current_database())");
        var databaseBytes = (long)(await size.ExecuteScalarAsync())!;
        // Below the empty database's size (several MB), far above what the SQLite-less data dir holds.
        var quota = databaseBytes / 2;
        using var silo = await GrainKvServer.StartAsync("--storage", "postgres", "--postgres-connection", connection,
            "--quota-backend-bytes", quota.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var client = new EtcdClient(silo.ClientUrl);

        var status = await StatusOnceMeasuredAsync(client);
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.PutAsync("quota/k", "v"));

        Assert.InRange(status.DbSize, databaseBytes / 2, databaseBytes * 2);
        Assert.Equal((StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded"), (refused.StatusCode, refused.Status.Detail));
        var alarms = await client.AlarmAsync(new AlarmRequest());
        Assert.Equal(AlarmType.Nospace, Assert.Single(alarms.Alarms).Alarm);
    }

    /// <summary>
    /// As on etcd, a NOSPACE alarm is cleared by freeing space: compaction, a snapshot replacing the log, then
    /// `etcdctl defrag`, which with PostgreSQL storage rewrites the store's tables so the database shrinks, and
    /// `etcdctl alarm disarm`.
    /// </summary>
    [Fact]
    public async Task PostgresStorage_NospaceClearedByCompactionDefragAndDisarm()
    {
        const int snapshotCount = 10;
        await using var postgres = await PostgresServer.StartAsync();
        var connection = await postgres.CreateDatabaseAsync("silo");
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using var size = dataSource.CreateCommand("SELECT pg_database_size(current_database())");
        var quota = (long)(await size.ExecuteScalarAsync())! + 2_000_000;
        using var silo = await GrainKvServer.StartAsync("--storage", "postgres", "--postgres-connection", connection,
            "--quota-backend-bytes", quota.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--snapshot-count", snapshotCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var client = new EtcdClient(silo.ClientUrl);

        var refused = await FillUntilRefusedAsync(client);
        Assert.Equal((StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded"), (refused.StatusCode, refused.Status.Detail));
        await client.DeleteRangeAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("fill/"), RangeEnd = ByteString.CopyFromUtf8("fill0") });
        var revision = (await client.StatusAsync()).Header.Revision;
        await client.CompactAsync(new CompactionRequest { Revision = revision });
        // A snapshot of the compacted state replaces the log that still holds the values. It is saved off the Raft
        // loop, shortly after the write that made it due: defrag until the space it freed is given back.
        for (var i = 0; i <= snapshotCount; i++) await client.DeleteRangeAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("none") });
        await DefragUntilUnderAsync(silo, client, quota);
        Assert.Contains("alarm:NOSPACE", Assert.Single((await client.StatusAsync()).Errors));

        var disarm = await Infrastructure.Etcdctl.RunAsync(silo.Endpoint, null, "alarm", "disarm");

        Assert.True(disarm.ExitCode == 0, disarm.Stderr);
        Assert.Empty((await client.StatusAsync()).Errors);
        await client.PutAsync("after", "x");
    }

    /// <summary>Puts incompressible 200 kB values until the quota refuses one; at most 200 of them.</summary>
    private static async Task<RpcException> FillUntilRefusedAsync(EtcdClient client)
    {
        var value = new byte[200_000];
        for (var i = 0; i < 200; i++)
        {
            Random.Shared.NextBytes(value);
            try
            {
                await client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"fill/{i}"), Value = ByteString.CopyFrom(value) });
            }
            catch (RpcException refused)
            {
                return refused;
            }
        }
        throw new InvalidOperationException("200 puts of 200 kB never exceeded the quota");
    }

    private static async Task DefragUntilUnderAsync(GrainKvServer silo, EtcdClient client, long quota)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var defrag = await Infrastructure.Etcdctl.RunAsync(silo.Endpoint, null, "defrag");
            Assert.True(defrag.ExitCode == 0, defrag.Stderr);
            if ((await client.StatusAsync()).DbSize < quota) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"dbSize still over {quota} after {Patience} of defrags");
            await Task.Delay(500);
        }
    }

    /// <summary>The size is measured in the background: waits until Status reports one.</summary>
    private static async Task<StatusResponse> StatusOnceMeasuredAsync(EtcdClient client)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var status = await client.StatusAsync();
            if (status.DbSize > 0) return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"dbSize still 0 after {Patience}");
            await Task.Delay(100);
        }
    }
}
