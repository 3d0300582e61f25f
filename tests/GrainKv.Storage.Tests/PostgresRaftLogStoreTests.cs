using GrainKv.Raft;
using GrainKv.Testing.Postgres;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GrainKv.Storage.Tests;

public sealed class PostgresRaftLogStoreTests(PostgresServerFixture fixture) : RaftLogStoreContractTests, IClassFixture<PostgresServerFixture>
{
    private const ulong Group = 7;
    private static readonly TimeSpan WaitBound = TimeSpan.FromSeconds(30);

    private string? _connectionString;

    private PostgresServer Server => fixture.Server;

    protected override async Task<IRaftLogStore> OpenAsync()
    {
        _connectionString ??= await fixture.CreateDatabaseAsync();
        return await OpenStoreAsync(_connectionString);
    }

    protected override async Task<IRaftLogStore> ReopenAsync(IRaftLogStore store)
    {
        await store.DisposeAsync();
        return await OpenAsync();
    }

    public override async Task DisposeAsync()
    {
        // A test that stopped the server must not leave it down for the next one.
        if (!Server.IsRunning) await Server.StartAgainAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task OpenAsync_NewDatabase_RecordsTheSchemaVersion()
    {
        Assert.Equal(PostgresSchema.LatestVersion, await ScalarAsync("SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public async Task OpenAsync_DatabaseFromNewerBuild_Throws()
    {
        await ScalarAsync("INSERT INTO schema_version (version) VALUES (99)");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(OpenAsync);

        Assert.Contains("99", refused.Message);
    }

    [Fact]
    public async Task OpenAsync_SeveralProcessesOnANewDatabaseAtOnce_AllOpenAndMigrateOnce()
    {
        var fresh = await fixture.CreateDatabaseAsync();

        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenStoreAsync(fresh)));
        foreach (var store in stores) await store.DisposeAsync();

        await using var connection = new NpgsqlConnection(fresh);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM schema_version", connection);
        Assert.Equal((long)PostgresSchema.LatestVersion, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task DefragmentAsync_AfterCompactingALongLog_GivesTheSpaceBack()
    {
        // Autovacuum may give back trailing empty pages by itself: it must not do the defragment's work here.
        await ScalarAsync("ALTER TABLE wal SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)");
        var generation = await Store.ClaimGenerationAsync(Group, default);
        var entries = Enumerable.Range(1, 2_000).Select(index => new Entry
        {
            Index = (ulong)index, Term = 1, Data = ByteString.CopyFrom(new byte[1024]),
        }).ToList();
        await Store.SaveAsync([new GroupWrite(Group, generation) { Entries = entries }], default);
        var snapshot = new Snapshot { Metadata = new SnapshotMetadata { Index = 2_000, Term = 1 } };
        await Store.SaveAsync([new GroupWrite(Group, generation) { Snapshot = snapshot, CompactThrough = 2_000 }], default);
        const string databaseSize = "SELECT pg_database_size(current_database())";
        var before = (long)(await ScalarAsync(databaseSize))!;

        await Store.DefragmentAsync(default);

        var after = (long)(await ScalarAsync(databaseSize))!;
        // The rows of 2,000 entries of 1 kB are gone; the empty database's catalogs (several MB) stay.
        Assert.True(before - after > 1_500_000, $"{after} bytes after, {before} before");
        Assert.Equal(0L, await ScalarAsync($"SELECT COUNT(*) FROM wal WHERE group_id = {Group}"));
    }

    [Fact]
    public async Task OpenAsync_ServerWithoutSynchronousCommit_IsRefused()
    {
        var database = new NpgsqlConnectionStringBuilder(_connectionString).Database;
        await ScalarAsync($"ALTER DATABASE \"{database}\" SET synchronous_commit = off");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(OpenAsync);

        Assert.Contains("synchronous_commit", refused.Message);
    }

    [Fact]
    public async Task OpenAsync_DefaultServer_CommitsSynchronously()
    {
        Assert.Equal("on", await ((PostgresRaftLogStore)Store).ShowAsync("synchronous_commit", default));
    }

    [Fact]
    public async Task SaveAsync_Entries_StoresSerializedEntryInByteaWithIndexAndTermColumns()
    {
        var generation = await Store.ClaimGenerationAsync(Group, default);
        var entry = new Entry { Index = 3, Term = 2, Data = ByteString.CopyFromUtf8("x") };
        await Store.SaveAsync([new GroupWrite(Group, generation) { Entries = [entry] }], default);

        var data = (byte[])(await ScalarAsync($"SELECT data FROM wal WHERE group_id = {Group} AND idx = 3 AND term = 2"))!;

        Assert.Equal(entry, Entry.Parser.ParseFrom(data));
    }

    [Fact]
    public async Task SaveAsync_IdsAboveSignedRange_RoundTripBitForBit()
    {
        const ulong group = ulong.MaxValue - 1;
        var generation = await Store.ClaimGenerationAsync(group, default);
        var hardState = new HardState { Term = ulong.MaxValue, Vote = 1UL << 63, Commit = 5 };

        await Store.SaveAsync([new GroupWrite(group, generation) { HardState = hardState, Entries = [new Entry { Index = 1, Term = ulong.MaxValue }] }], default);
        var state = await Store.LoadAsync(group, default);

        Assert.Equal(hardState, state.HardState);
        Assert.Equal(ulong.MaxValue, state.Entries.Single().Term);
    }

    /// <summary>
    /// A claim from another activation has updated the group's row but not committed yet. The save must wait for
    /// it (its row lock) and then see the new generation: without the lock it would read the old generation,
    /// commit, and a write would land after the claim that was meant to fence it out.
    /// </summary>
    [Fact]
    public async Task SaveAsync_WhileAnotherClaimIsUncommitted_WaitsForItAndIsFenced()
    {
        var generation = await Store.ClaimGenerationAsync(Group, default);
        await using var claimer = new NpgsqlConnection(_connectionString);
        await claimer.OpenAsync();
        await using var claim = await claimer.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand(LogStoreSql.ClaimGeneration, claimer, claim))
        {
            command.Parameters.AddWithValue("group_id", (long)Group);
            await command.ExecuteScalarAsync();
        }

        var save = Store.SaveAsync([new GroupWrite(Group, generation) { Entries = [new Entry { Index = 1, Term = 1 }] }], default);
        await WaitUntilAsync(async () => save.IsCompleted || await SessionsWaitingForALockAsync() > 0, "the save neither finished nor waited for the claim's lock");
        await claim.CommitAsync();

        var fenced = await Assert.ThrowsAsync<FencedWriteException>(() => save);
        Assert.Equal(generation + 1, fenced.CurrentGeneration);
        Assert.Empty((await Store.LoadAsync(Group, default)).Entries);
    }

    [Fact]
    public async Task SameStore_ServerRestartedWhileIdle_FirstCallAfterwardsSucceeds()
    {
        var generation = await Store.ClaimGenerationAsync(Group, default);
        // Several connections in the pool, all of which the restart kills.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Store.LoadAsync(Group, default)));

        await Server.StopAsync();
        await Server.StartAgainAsync();
        await Store.SaveAsync([new GroupWrite(Group, generation) { Entries = [new Entry { Index = 1, Term = 1 }] }], default);

        Assert.Equal([1UL], (await Store.LoadAsync(Group, default)).Entries.Select(e => e.Index));
    }

    [Fact]
    public async Task SameStore_CallsWhileServerIsDown_FailThenWorkWithoutReopening()
    {
        var generation = await Store.ClaimGenerationAsync(Group, default);
        await Store.SaveAsync([new GroupWrite(Group, generation) { Entries = [new Entry { Index = 1, Term = 1 }] }], default);

        await Server.StopAsync();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() =>
            Store.SaveAsync([new GroupWrite(Group, generation) { Entries = [new Entry { Index = 2, Term = 1 }] }], default));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => Store.LoadAsync(Group, default));
        await Server.StartAgainAsync();

        await Store.SaveAsync([new GroupWrite(Group, generation) { Entries = [new Entry { Index = 2, Term = 1 }] }], default);
        var state = await Store.LoadAsync(Group, default);
        var reclaimed = await Store.ClaimGenerationAsync(Group, default);

        Assert.Equal([1UL, 2], state.Entries.Select(e => e.Index));
        Assert.Equal(generation + 1, reclaimed);
    }

    [Fact]
    public void DescribeServer_ConnectionStringWithPassword_NamesServerButNotPassword()
    {
        var description = PostgresRaftLogStore.DescribeServer(
            new NpgsqlConnectionStringBuilder("Host=db1.example;Port=5433;Database=silo1;Username=grainkv;Password=s3cret"));

        Assert.Equal("db1.example:5433/silo1 as grainkv", description);
    }

    private static async Task<IRaftLogStore> OpenStoreAsync(string connectionString) =>
        await PostgresRaftLogStore.OpenAsync(connectionString, NullLogger<PostgresRaftLogStore>.Instance, default);

    /// <summary>Runs SQL on a connection of its own.</summary>
    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private async Task<long> SessionsWaitingForALockAsync() =>
        (long)(await ScalarAsync("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))!;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow + WaitBound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{failure} within {WaitBound}");
            await Task.Delay(20);
        }
    }
}
