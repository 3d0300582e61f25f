using System.Data;
using GrainKv.Raft;
using Microsoft.Extensions.Logging;
using Npgsql;
using static GrainKv.Storage.UnsignedColumn;

namespace GrainKv.Storage;

/// <summary>
/// The cluster log store: one PostgreSQL database per silo, with the same tables and semantics as
/// <see cref="SqliteRaftLogStore"/>. Each operation takes a pooled connection, so the store outlives a server
/// restart: once the server is back, the next call connects again. Each save is one transaction whose commit
/// PostgreSQL flushes to its WAL before answering (<c>synchronous_commit</c> is checked at open).
/// </summary>
public sealed partial class PostgresRaftLogStore : IRaftLogStore
{
    /// <summary>Set on the store's connections unless the connection string names one: what pg_stat_activity shows.</summary>
    private const string DefaultApplicationName = "grainkv";

    private readonly NpgsqlDataSource _dataSource;

    private PostgresRaftLogStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <summary>Connects, refuses a server that would not make commits durable, and brings the schema up to date.</summary>
    public static async Task<PostgresRaftLogStore> OpenAsync(string connectionString, ILogger<PostgresRaftLogStore> log, CancellationToken ct)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(settings.ApplicationName)) settings.ApplicationName = DefaultApplicationName;
        // Every save runs the same few statements: prepared on each pooled connection, they skip parsing and planning.
        settings.MaxAutoPrepare = Math.Max(settings.MaxAutoPrepare, 16);
        var server = DescribeServer(settings);
        var dataSource = NpgsqlDataSource.Create(settings);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await EnsureDurableCommitsAsync(connection, server, ct);
            var foundVersion = await PostgresSchema.MigrateAsync(connection, ct);
            if (foundVersion != PostgresSchema.LatestVersion)
            {
                LogSchemaMigrated(log, server, foundVersion, PostgresSchema.LatestVersion);
            }
            LogOpened(log, server);
            return new PostgresRaftLogStore(dataSource);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    public Task<ulong> ClaimGenerationAsync(ulong groupId, CancellationToken ct) => RunAsync(async connection =>
    {
        await using var command = new NpgsqlCommand(LogStoreSql.ClaimGeneration, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("group_id", ToColumn(groupId)));
        return FromColumn((long)(await command.ExecuteScalarAsync(ct))!);
    }, ct);

    public Task<StoredGroupState> LoadAsync(ulong groupId, CancellationToken ct) => RunAsync(async connection =>
    {
        // One snapshot of the database for all three reads, so a concurrent save cannot tear them apart.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var (hardState, confState) = await SelectStateAsync(connection, groupId, ct);
        var snapshot = await SelectSnapshotAsync(connection, groupId, ct);
        var entries = await SelectEntriesAfterAsync(connection, groupId, snapshot?.Metadata.Index ?? 0, ct);
        await transaction.CommitAsync(ct);
        return new StoredGroupState(hardState, confState, snapshot, entries);
    }, ct);

    public async Task SaveAsync(IReadOnlyList<GroupWrite> writes, CancellationToken ct)
    {
        GroupWriteApplier.EnsureWellFormed(writes);
        if (writes.Count == 0) return;
        await RunAsync(async connection =>
        {
            await using var transaction = await PostgresLogTransaction.BeginAsync(connection, writes, ct);
            foreach (var write in writes) GroupWriteApplier.Apply(transaction, write);
            await transaction.CommitAsync(ct);
            return true;
        }, ct);
    }

    /// <summary>
    /// Each chunk commits on its own, touching no row a save locks: saves go on alongside. A chunk may be written twice
    /// (<see cref="RunAsync{T}"/>); the second write replaces the first.
    /// </summary>
    public async Task<StagedSnapshot> StageSnapshotAsync(ulong groupId, ulong generation, Snapshot snapshot, CancellationToken ct)
    {
        var chunks = SnapshotChunks.Count(snapshot.Data);
        for (var seq = 0; seq < chunks; seq++)
        {
            var chunk = SnapshotChunks.Chunk(snapshot.Data, seq);
            var chunkSeq = seq;
            await RunAsync(async connection =>
            {
                await using var command = GroupCommand(LogStoreSql.UpsertSnapshotChunk, connection, groupId);
                command.Parameters.Add(new NpgsqlParameter<long>("generation", ToColumn(generation)));
                command.Parameters.Add(new NpgsqlParameter<long>("idx", ToColumn(snapshot.Metadata.Index)));
                command.Parameters.Add(new NpgsqlParameter<int>("seq", chunkSeq));
                command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("data", chunk));
                return await command.ExecuteNonQueryAsync(ct);
            }, ct);
        }
        return new StagedSnapshot(snapshot.Metadata.Clone(), chunks);
    }

    /// <summary>
    /// <c>VACUUM FULL</c> of the store's tables: autovacuum makes the rows of compacted log prefixes and replaced
    /// snapshots reusable, but only a rewrite gives their space back, which pg_database_size (dbSize, the quota)
    /// counts. The rewrite holds each table's ACCESS EXCLUSIVE lock, so this silo's Raft writes wait for it, as
    /// etcd's do during its defragment. Once started it runs to the end even if the caller stops waiting.
    /// </summary>
    public Task DefragmentAsync(CancellationToken ct) => RunAsync(async connection =>
    {
        await using var command = new NpgsqlCommand(PostgresSql.VacuumFull, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(CancellationToken.None);
        return true;
    }, ct);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>
    /// Runs an operation on a pooled connection. When the connection breaks, the others in the pool are as dead
    /// (a restarted server drops them all): they are discarded and the operation runs once more on a new one, so
    /// the first call after an outage succeeds. Every operation of the store may run twice, even after a commit
    /// whose answer was lost: claims only need to increase, loads read, and saving the same writes again leaves
    /// what saving them once did.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> operation, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(ct);
            try
            {
                return await operation(connection);
            }
            catch (NpgsqlException) when (connection.FullState != ConnectionState.Open && attempt == 1)
            {
                _dataSource.Clear();
            }
        }
    }

    /// <summary>A setting as the store's own connections see it.</summary>
    internal Task<string> ShowAsync(string setting, CancellationToken ct) => RunAsync(async connection =>
    {
        await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }, ct);

    private static async Task EnsureDurableCommitsAsync(NpgsqlConnection connection, string server, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SHOW synchronous_commit", connection);
        var synchronousCommit = (string?)await command.ExecuteScalarAsync(ct);
        if (synchronousCommit == "off")
        {
            throw new InvalidOperationException(
                $"PostgreSQL {server} has synchronous_commit=off: a crash could lose acknowledged writes. Set it to on.");
        }
    }

    private static async Task<(HardState, ConfState)> SelectStateAsync(NpgsqlConnection connection, ulong groupId, CancellationToken ct)
    {
        await using var command = GroupCommand(LogStoreSql.SelectState, connection, groupId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? RaftStateRow.Read(reader) : (new HardState(), new ConfState());
    }

    private static async Task<Snapshot?> SelectSnapshotAsync(NpgsqlConnection connection, ulong groupId, CancellationToken ct)
    {
        byte[] row;
        long stagedGeneration;
        int stagedChunks;
        await using (var command = GroupCommand(LogStoreSql.SelectSnapshot, connection, groupId))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return null;
            row = reader.GetFieldValue<byte[]>(0);
            if (await reader.IsDBNullAsync(1, ct)) return Snapshot.Parser.ParseFrom(row);
            stagedGeneration = reader.GetInt64(1);
            stagedChunks = reader.GetInt32(2);
        }
        await using var chunksCommand = GroupCommand(LogStoreSql.SelectSnapshotChunks, connection, groupId);
        chunksCommand.Parameters.Add(new NpgsqlParameter<long>("generation", stagedGeneration));
        chunksCommand.Parameters.Add(new NpgsqlParameter<long>("idx", ToColumn(Snapshot.Parser.ParseFrom(row).Metadata.Index)));
        await using var chunksReader = await chunksCommand.ExecuteReaderAsync(ct);
        var chunks = new List<byte[]>(stagedChunks);
        while (await chunksReader.ReadAsync(ct)) chunks.Add(chunksReader.GetFieldValue<byte[]>(0));
        return SnapshotChunks.Assemble(row, stagedChunks, chunks);
    }

    private static async Task<List<Entry>> SelectEntriesAfterAsync(NpgsqlConnection connection, ulong groupId, ulong index, CancellationToken ct)
    {
        await using var command = GroupCommand(LogStoreSql.SelectEntriesAfter, connection, groupId);
        command.Parameters.Add(new NpgsqlParameter<long>("idx", ToColumn(index)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var entries = new List<Entry>();
        while (await reader.ReadAsync(ct)) entries.Add(Entry.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0)));
        return entries;
    }

    private static NpgsqlCommand GroupCommand(string sql, NpgsqlConnection connection, ulong groupId)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("group_id", ToColumn(groupId)));
        return command;
    }

    /// <summary>Where the store connects, for logs: host, port, database and user, never the password.</summary>
    internal static string DescribeServer(NpgsqlConnectionStringBuilder settings) =>
        $"{settings.Host}:{settings.Port}/{settings.Database} as {settings.Username}";
}
