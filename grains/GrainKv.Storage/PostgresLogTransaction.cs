using GrainKv.Raft;
using Google.Protobuf;
using Npgsql;
using static GrainKv.Storage.UnsignedColumn;

namespace GrainKv.Storage;

/// <summary>
/// One save's transaction on PostgreSQL. The written groups' rows are locked when it begins (see
/// <see cref="PostgresSql.LockGenerations"/>), which also reads their generations. Writes are queued and go to
/// the server together, in one round trip, at commit or before a read that must see them.
/// </summary>
internal sealed class PostgresLogTransaction : ILogWriteTransaction, IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly Dictionary<ulong, ulong> _generations;
    private NpgsqlBatch _queued;

    private PostgresLogTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, Dictionary<ulong, ulong> generations)
    {
        _connection = connection;
        _transaction = transaction;
        _generations = generations;
        _queued = new NpgsqlBatch(connection, transaction);
    }

    public static async Task<PostgresLogTransaction> BeginAsync(NpgsqlConnection connection, IReadOnlyList<GroupWrite> writes, CancellationToken ct)
    {
        var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(PostgresSql.LockGenerations, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<long[]>("group_ids", [.. writes.Select(w => ToColumn(w.GroupId)).Distinct()]));
            var generations = new Dictionary<ulong, ulong>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) generations[FromColumn(reader.GetInt64(0))] = FromColumn(reader.GetInt64(1));
            }
            return new PostgresLogTransaction(connection, transaction, generations);
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        await FlushAsync(ct);
        await _transaction.CommitAsync(ct);
    }

    /// <summary>Locked when the transaction began: no claim can change it before this transaction ends.</summary>
    public ulong Generation(ulong groupId) => _generations.GetValueOrDefault(groupId);

    public ulong? EntryTerm(ulong groupId, ulong index)
    {
        Flush();
        using var command = Command(LogStoreSql.SelectEntryTerm, GroupId(groupId), Idx(index));
        return command.ExecuteScalar() is long term ? FromColumn(term) : null;
    }

    public SnapshotMetadata? SnapshotPosition(ulong groupId)
    {
        Flush();
        using var command = Command(LogStoreSql.SelectSnapshotPosition, GroupId(groupId));
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new SnapshotMetadata { Index = FromColumn(reader.GetInt64(0)), Term = FromColumn(reader.GetInt64(1)) }
            : null;
    }

    public void ReplaceSnapshot(ulong groupId, Snapshot snapshot)
    {
        UpsertSnapshot(groupId, snapshot.Metadata, snapshot.ToByteArray(), stagedGeneration: null, stagedChunks: 0);
        Queue(LogStoreSql.DeleteSnapshotChunks, GroupId(groupId));
    }

    public void AdoptStagedSnapshot(ulong groupId, ulong generation, StagedSnapshot staged)
    {
        Flush();
        using (var count = Command(LogStoreSql.CountSnapshotChunks, GroupId(groupId), Idx(staged.Metadata.Index),
            new NpgsqlParameter<long>("generation", ToColumn(generation))))
        {
            SnapshotChunks.EnsureAllStaged(groupId, generation, staged, (long)count.ExecuteScalar()!);
        }
        UpsertSnapshot(groupId, staged.Metadata, SnapshotChunks.Row(staged), ToColumn(generation), staged.Chunks);
        Queue(LogStoreSql.DeleteOtherSnapshotChunks, GroupId(groupId), Idx(staged.Metadata.Index),
            new NpgsqlParameter<long>("generation", ToColumn(generation)));
    }

    private void UpsertSnapshot(ulong groupId, SnapshotMetadata metadata, byte[] row, long? stagedGeneration, int stagedChunks) =>
        Queue(LogStoreSql.UpsertSnapshot, GroupId(groupId), Idx(metadata.Index), Term(metadata.Term),
            new NpgsqlParameter<byte[]>("data", row),
            new NpgsqlParameter("staged_generation", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = stagedGeneration is { } g ? g : DBNull.Value },
            new NpgsqlParameter<int>("staged_chunks", stagedChunks));

    public void DeleteAllEntries(ulong groupId) => Queue(LogStoreSql.DeleteAllEntries, GroupId(groupId));

    public void DeleteEntriesFrom(ulong groupId, ulong index) => Queue(LogStoreSql.DeleteEntriesFrom, GroupId(groupId), Idx(index));

    public void InsertEntries(ulong groupId, IReadOnlyList<Entry> entries)
    {
        var indexes = new long[entries.Count];
        var terms = new long[entries.Count];
        var data = new byte[entries.Count][];
        for (var i = 0; i < entries.Count; i++)
        {
            indexes[i] = ToColumn(entries[i].Index);
            terms[i] = ToColumn(entries[i].Term);
            data[i] = entries[i].ToByteArray();
        }
        Queue(PostgresSql.InsertEntries, GroupId(groupId),
            new NpgsqlParameter<long[]>("idx", indexes), new NpgsqlParameter<long[]>("term", terms), new NpgsqlParameter<byte[][]>("data", data));
    }

    public void DeleteEntriesThrough(ulong groupId, ulong index) => Queue(LogStoreSql.DeleteEntriesThrough, GroupId(groupId), Idx(index));

    public void UpdateHardState(ulong groupId, HardState hardState) =>
        Queue(LogStoreSql.UpdateHardState, GroupId(groupId), Term(hardState.Term),
            new NpgsqlParameter<long>("vote", ToColumn(hardState.Vote)), new NpgsqlParameter<long>("commit", ToColumn(hardState.Commit)));

    public void UpdateConfState(ulong groupId, ConfState confState) =>
        Queue(LogStoreSql.UpdateConf, GroupId(groupId), new NpgsqlParameter<byte[]>("conf", confState.ToByteArray()));

    public async ValueTask DisposeAsync()
    {
        await _queued.DisposeAsync();
        await _transaction.DisposeAsync();
    }

    private void Queue(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        _queued.BatchCommands.Add(command);
    }

    private void Flush()
    {
        if (_queued.BatchCommands.Count == 0) return;
        using var batch = TakeQueued();
        batch.ExecuteNonQuery();
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        if (_queued.BatchCommands.Count == 0) return;
        await using var batch = TakeQueued();
        await batch.ExecuteNonQueryAsync(ct);
    }

    private NpgsqlBatch TakeQueued()
    {
        var batch = _queued;
        _queued = new NpgsqlBatch(_connection, _transaction);
        return batch;
    }

    private NpgsqlCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, _connection, _transaction);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<long> GroupId(ulong groupId) => new("group_id", ToColumn(groupId));

    private static NpgsqlParameter<long> Idx(ulong index) => new("idx", ToColumn(index));

    private static NpgsqlParameter<long> Term(ulong term) => new("term", ToColumn(term));
}
