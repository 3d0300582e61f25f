using Etcdserverpb;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Runtime.Grpc;
using GrainKv.Testing.Postgres;
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
        Assert.Equal((StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded"), (refused.StatusCode, refused.Message));
        var alarms = await client.Call("/etcdserverpb.Maintenance/Alarm", new AlarmRequest(), AlarmResponse.Parser);
        Assert.Equal(AlarmType.Nospace, Assert.Single(alarms.Alarms).Alarm);
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
