using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Storage.Tests;

public sealed class SqliteRaftLogStoreTests : RaftLogStoreContractTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("grainkv-storage-").FullName;

    private string DatabasePath => Path.Combine(_directory, "raft.db");

    protected override async Task<IRaftLogStore> OpenAsync() =>
        await SqliteRaftLogStore.OpenAsync(DatabasePath, NullLogger<SqliteRaftLogStore>.Instance, default);

    protected override async Task<IRaftLogStore> ReopenAsync(IRaftLogStore store)
    {
        await store.DisposeAsync();
        return await OpenAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task OpenAsync_NewFile_UsesWalJournalMode()
    {
        var journalMode = await ((SqliteRaftLogStore)Store).ReadPragmaAsync("journal_mode", default);

        Assert.Equal("wal", journalMode);
    }

    [Fact]
    public async Task DefragmentAsync_AfterCompactingALongLog_ShrinksTheFileAndEmptiesTheWal()
    {
        var generation = await Store.ClaimGenerationAsync(1, default);
        var entries = Enumerable.Range(1, 2_000).Select(index => new GrainKv.Raft.Entry
        {
            Index = (ulong)index, Term = 1, Data = Google.Protobuf.ByteString.CopyFrom(new byte[1024]),
        }).ToList();
        await Store.SaveAsync([new GroupWrite(1, generation) { Entries = entries }], default);
        var snapshot = new GrainKv.Raft.Snapshot { Metadata = new GrainKv.Raft.SnapshotMetadata { Index = 2_000, Term = 1 } };
        await Store.SaveAsync([new GroupWrite(1, generation) { Snapshot = snapshot, CompactThrough = 2_000 }], default);
        await ((SqliteRaftLogStore)Store).ReadPragmaAsync("wal_checkpoint(TRUNCATE)", default);
        var before = new FileInfo(DatabasePath).Length;

        await Store.DefragmentAsync(default);

        Assert.True(new FileInfo(DatabasePath).Length < before / 10, $"{new FileInfo(DatabasePath).Length} bytes after, {before} before");
        Assert.Equal(0, new FileInfo(DatabasePath + "-wal").Length);
    }

    [Fact]
    public async Task OpenAsync_NewFile_SynchronousIsFull()
    {
        var synchronous = await ((SqliteRaftLogStore)Store).ReadPragmaAsync("synchronous", default);

        Assert.Equal(2L, synchronous);
    }

    [Fact]
    public async Task StageSnapshotAsync_ChunksCommittedWithoutASync_LeavesSavesSynchronousFull()
    {
        var generation = await Store.ClaimGenerationAsync(1, default);

        await Store.StageSnapshotAsync(1, generation, LargeSnapshot(index: 4, term: 1), default);
        var synchronous = await ((SqliteRaftLogStore)Store).ReadPragmaAsync("synchronous", default);

        Assert.Equal(2L, synchronous);
    }

    [Fact]
    public async Task OpenAsync_NewFile_RecordsTheSchemaVersion()
    {
        await Store.DisposeAsync();

        Assert.Equal((long)SqliteSchema.LatestVersion, ReadScalar("SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public async Task OpenAsync_DatabaseOfSchemaVersion1WithASnapshot_MigratesAndLoadsTheSnapshot()
    {
        var generation = await Store.ClaimGenerationAsync(1, default);
        var snapshot = LargeSnapshot(index: 5, term: 1);
        await Store.SaveAsync([new GroupWrite(1, generation) { Snapshot = snapshot }], default);
        await Store.DisposeAsync();
        // Back to version 1: what a database written before snapshots were staged holds.
        ReadScalar("DROP TABLE snapshot_chunk");
        ReadScalar("ALTER TABLE snapshot DROP COLUMN staged_generation");
        ReadScalar("ALTER TABLE snapshot DROP COLUMN staged_chunks");
        ReadScalar("DELETE FROM schema_version WHERE version > 1");

        Store = await OpenAsync();
        var state = await Store.LoadAsync(1, default);

        Assert.Equal(snapshot, state.Snapshot);
        Assert.Equal((long)SqliteSchema.LatestVersion, ReadScalar("SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public async Task StagedSnapshot_Adopted_DeletesTheChunksOfEverySnapshotStagedBefore()
    {
        var generation = await Store.ClaimGenerationAsync(1, default);
        await Store.SaveAsync([new GroupWrite(1, generation) { Entries = [.. Enumerable.Range(1, 8).Select(i => new GrainKv.Raft.Entry { Index = (ulong)i, Term = 1 })] }], default);
        await Store.StageSnapshotAsync(1, generation, LargeSnapshot(index: 4, term: 1), default);
        var staged = await Store.StageSnapshotAsync(1, generation, LargeSnapshot(index: 8, term: 1), default);

        await Store.SaveAsync([new GroupWrite(1, generation) { StagedSnapshot = staged, CompactThrough = 8 }], default);
        await Store.DisposeAsync();

        Assert.Equal(3, staged.Chunks);
        Assert.Equal(3L, ReadScalar("SELECT COUNT(*) FROM snapshot_chunk"));
        Assert.Equal(8L, ReadScalar("SELECT DISTINCT idx FROM snapshot_chunk"));
    }

    [Fact]
    public async Task OpenAsync_DatabaseFromNewerBuild_Throws()
    {
        await Store.DisposeAsync();
        ReadScalar("INSERT INTO schema_version (version) VALUES (99)");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(OpenAsync);

        Assert.Contains("99", refused.Message);
    }

    [Fact]
    public async Task SaveAsync_Entries_StoresSerializedEntryWithIndexAndTermColumns()
    {
        var generation = await Store.ClaimGenerationAsync(7, default);
        var entry = new GrainKv.Raft.Entry { Index = 3, Term = 2, Data = Google.Protobuf.ByteString.CopyFromUtf8("x") };
        await Store.SaveAsync([new GroupWrite(7, generation) { Entries = [entry] }], default);
        await Store.DisposeAsync();

        var data = (byte[])ReadScalar("SELECT data FROM wal WHERE group_id = 7 AND idx = 3 AND term = 2")!;

        Assert.Equal(entry, GrainKv.Raft.Entry.Parser.ParseFrom(data));
    }

    /// <summary>Runs SQL on a connection of its own, so call it only once the store is closed.</summary>
    private object? ReadScalar(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
