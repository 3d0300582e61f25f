using GrainKv.Raft;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using static GrainKv.Storage.UnsignedColumn;

namespace GrainKv.Storage;

/// <summary>
/// The store's statements, each prepared once on the store's connection and reused with new parameter values.
/// Not thread-safe: the store serializes every use. The write operations run in <see cref="Transaction"/>.
/// </summary>
internal sealed class SqliteStatements : ILogWriteTransaction, IDisposable
{
    private const string GroupId = "@group_id";
    private const string Idx = "@idx";
    private const string Term = "@term";
    private const string Data = "@data";
    private const string GenerationParameter = "@generation";
    private const string StagedGeneration = "@staged_generation";
    private const string StagedChunks = "@staged_chunks";

    private readonly SqliteCommand _claimGeneration;
    private readonly SqliteCommand _selectGeneration;
    private readonly SqliteCommand _selectState;
    private readonly SqliteCommand _updateHardState;
    private readonly SqliteCommand _updateConf;
    private readonly SqliteCommand _selectSnapshot;
    private readonly SqliteCommand _selectSnapshotPosition;
    private readonly SqliteCommand _upsertSnapshot;
    private readonly SqliteCommand _upsertSnapshotChunk;
    private readonly SqliteCommand _selectSnapshotChunks;
    private readonly SqliteCommand _countSnapshotChunks;
    private readonly SqliteCommand _deleteSnapshotChunks;
    private readonly SqliteCommand _deleteOtherSnapshotChunks;
    private readonly SqliteCommand _selectEntryTerm;
    private readonly SqliteCommand _selectEntriesAfter;
    private readonly SqliteEntryInserter _insertEntry;
    private readonly SqliteCommand _deleteEntriesFrom;
    private readonly SqliteCommand _deleteEntriesThrough;
    private readonly SqliteCommand _deleteAllEntries;
    private readonly SqliteCommand[] _all;

    public SqliteStatements(SqliteConnection connection)
    {
        _all =
        [
            _claimGeneration = Prepare(connection, LogStoreSql.ClaimGeneration, (GroupId, SqliteType.Integer)),
            _selectGeneration = Prepare(connection, LogStoreSql.SelectGeneration, (GroupId, SqliteType.Integer)),
            _selectState = Prepare(connection, LogStoreSql.SelectState, (GroupId, SqliteType.Integer)),
            _updateHardState = Prepare(connection, LogStoreSql.UpdateHardState,
                (GroupId, SqliteType.Integer), (Term, SqliteType.Integer), ("@vote", SqliteType.Integer), ("@commit", SqliteType.Integer)),
            _updateConf = Prepare(connection, LogStoreSql.UpdateConf, (GroupId, SqliteType.Integer), ("@conf", SqliteType.Blob)),
            _selectSnapshot = Prepare(connection, LogStoreSql.SelectSnapshot, (GroupId, SqliteType.Integer)),
            _selectSnapshotPosition = Prepare(connection, LogStoreSql.SelectSnapshotPosition, (GroupId, SqliteType.Integer)),
            _upsertSnapshot = Prepare(connection, LogStoreSql.UpsertSnapshot,
                (GroupId, SqliteType.Integer), (Idx, SqliteType.Integer), (Term, SqliteType.Integer), (Data, SqliteType.Blob),
                (StagedGeneration, SqliteType.Integer), (StagedChunks, SqliteType.Integer)),
            _upsertSnapshotChunk = Prepare(connection, LogStoreSql.UpsertSnapshotChunk,
                (GroupId, SqliteType.Integer), (GenerationParameter, SqliteType.Integer), (Idx, SqliteType.Integer), ("@seq", SqliteType.Integer), (Data, SqliteType.Blob)),
            _selectSnapshotChunks = Prepare(connection, LogStoreSql.SelectSnapshotChunks,
                (GroupId, SqliteType.Integer), (GenerationParameter, SqliteType.Integer), (Idx, SqliteType.Integer)),
            _countSnapshotChunks = Prepare(connection, LogStoreSql.CountSnapshotChunks,
                (GroupId, SqliteType.Integer), (GenerationParameter, SqliteType.Integer), (Idx, SqliteType.Integer)),
            _deleteSnapshotChunks = Prepare(connection, LogStoreSql.DeleteSnapshotChunks, (GroupId, SqliteType.Integer)),
            _deleteOtherSnapshotChunks = Prepare(connection, LogStoreSql.DeleteOtherSnapshotChunks,
                (GroupId, SqliteType.Integer), (GenerationParameter, SqliteType.Integer), (Idx, SqliteType.Integer)),
            _selectEntryTerm = Prepare(connection, LogStoreSql.SelectEntryTerm, (GroupId, SqliteType.Integer), (Idx, SqliteType.Integer)),
            _selectEntriesAfter = Prepare(connection, LogStoreSql.SelectEntriesAfter, (GroupId, SqliteType.Integer), (Idx, SqliteType.Integer)),
            _deleteEntriesFrom = Prepare(connection, LogStoreSql.DeleteEntriesFrom, (GroupId, SqliteType.Integer), (Idx, SqliteType.Integer)),
            _deleteEntriesThrough = Prepare(connection, LogStoreSql.DeleteEntriesThrough, (GroupId, SqliteType.Integer), (Idx, SqliteType.Integer)),
            _deleteAllEntries = Prepare(connection, LogStoreSql.DeleteAllEntries, (GroupId, SqliteType.Integer)),
        ];
        _insertEntry = new SqliteEntryInserter(connection);
    }

    /// <summary>The transaction the write operations join; set by the store for the length of one save.</summary>
    public SqliteTransaction? Transaction { get; set; }

    public ulong ClaimGeneration(ulong groupId)
    {
        Bind(_claimGeneration, groupId);
        return FromColumn((long)_claimGeneration.ExecuteScalar()!);
    }

    /// <summary>The group's generation, 0 when none was ever claimed.</summary>
    public ulong Generation(ulong groupId)
    {
        Bind(_selectGeneration, groupId);
        return _selectGeneration.ExecuteScalar() is long generation ? FromColumn(generation) : 0;
    }

    public (HardState HardState, ConfState ConfState) SelectState(ulong groupId)
    {
        Bind(_selectState, groupId);
        using var reader = _selectState.ExecuteReader();
        return reader.Read() ? RaftStateRow.Read(reader) : (new HardState(), new ConfState());
    }

    public void UpdateHardState(ulong groupId, HardState hardState)
    {
        Bind(_updateHardState, groupId);
        _updateHardState.Parameters[Term].Value = ToColumn(hardState.Term);
        _updateHardState.Parameters["@vote"].Value = ToColumn(hardState.Vote);
        _updateHardState.Parameters["@commit"].Value = ToColumn(hardState.Commit);
        _updateHardState.ExecuteNonQuery();
    }

    public void UpdateConfState(ulong groupId, ConfState conf)
    {
        Bind(_updateConf, groupId);
        _updateConf.Parameters["@conf"].Value = conf.ToByteArray();
        _updateConf.ExecuteNonQuery();
    }

    public Snapshot? SelectSnapshot(ulong groupId)
    {
        Bind(_selectSnapshot, groupId);
        byte[] row;
        long stagedGeneration;
        int stagedChunks;
        using (var reader = _selectSnapshot.ExecuteReader())
        {
            if (!reader.Read()) return null;
            row = reader.GetFieldValue<byte[]>(0);
            if (reader.IsDBNull(1)) return Snapshot.Parser.ParseFrom(row);
            stagedGeneration = reader.GetInt64(1);
            stagedChunks = reader.GetInt32(2);
        }
        var position = Snapshot.Parser.ParseFrom(row).Metadata;
        Bind(_selectSnapshotChunks, groupId, position.Index);
        _selectSnapshotChunks.Parameters[GenerationParameter].Value = stagedGeneration;
        var chunks = new List<byte[]>(stagedChunks);
        using (var reader = _selectSnapshotChunks.ExecuteReader())
        {
            while (reader.Read()) chunks.Add(reader.GetFieldValue<byte[]>(0));
        }
        return SnapshotChunks.Assemble(row, stagedChunks, chunks);
    }

    public void UpsertSnapshotChunk(ulong groupId, ulong generation, ulong index, int seq, ReadOnlyMemory<byte> data)
    {
        Bind(_upsertSnapshotChunk, groupId, index);
        _upsertSnapshotChunk.Parameters[GenerationParameter].Value = ToColumn(generation);
        _upsertSnapshotChunk.Parameters["@seq"].Value = seq;
        _upsertSnapshotChunk.Parameters[Data].Value = data.ToArray();
        _upsertSnapshotChunk.ExecuteNonQuery();
    }

    public SnapshotMetadata? SnapshotPosition(ulong groupId)
    {
        Bind(_selectSnapshotPosition, groupId);
        using var reader = _selectSnapshotPosition.ExecuteReader();
        return reader.Read()
            ? new SnapshotMetadata { Index = FromColumn(reader.GetInt64(0)), Term = FromColumn(reader.GetInt64(1)) }
            : null;
    }

    public void ReplaceSnapshot(ulong groupId, Snapshot snapshot)
    {
        UpsertSnapshot(groupId, snapshot.Metadata, snapshot.ToByteArray(), stagedGeneration: DBNull.Value, stagedChunks: 0);
        Bind(_deleteSnapshotChunks, groupId);
        _deleteSnapshotChunks.ExecuteNonQuery();
    }

    public void AdoptStagedSnapshot(ulong groupId, ulong generation, StagedSnapshot staged)
    {
        Bind(_countSnapshotChunks, groupId, staged.Metadata.Index);
        _countSnapshotChunks.Parameters[GenerationParameter].Value = ToColumn(generation);
        SnapshotChunks.EnsureAllStaged(groupId, generation, staged, (long)_countSnapshotChunks.ExecuteScalar()!);
        UpsertSnapshot(groupId, staged.Metadata, SnapshotChunks.Row(staged), ToColumn(generation), staged.Chunks);
        Bind(_deleteOtherSnapshotChunks, groupId, staged.Metadata.Index);
        _deleteOtherSnapshotChunks.Parameters[GenerationParameter].Value = ToColumn(generation);
        _deleteOtherSnapshotChunks.ExecuteNonQuery();
    }

    private void UpsertSnapshot(ulong groupId, SnapshotMetadata metadata, byte[] row, object stagedGeneration, int stagedChunks)
    {
        Bind(_upsertSnapshot, groupId, metadata.Index);
        _upsertSnapshot.Parameters[Term].Value = ToColumn(metadata.Term);
        _upsertSnapshot.Parameters[Data].Value = row;
        _upsertSnapshot.Parameters[StagedGeneration].Value = stagedGeneration;
        _upsertSnapshot.Parameters[StagedChunks].Value = stagedChunks;
        _upsertSnapshot.ExecuteNonQuery();
    }

    public ulong? EntryTerm(ulong groupId, ulong index)
    {
        Bind(_selectEntryTerm, groupId, index);
        return _selectEntryTerm.ExecuteScalar() is long term ? FromColumn(term) : null;
    }

    public List<Entry> SelectEntriesAfter(ulong groupId, ulong index)
    {
        Bind(_selectEntriesAfter, groupId, index);
        using var reader = _selectEntriesAfter.ExecuteReader();
        var entries = new List<Entry>();
        while (reader.Read()) entries.Add(Entry.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0)));
        return entries;
    }

    public void InsertEntries(ulong groupId, IReadOnlyList<Entry> entries)
    {
        foreach (var entry in entries) _insertEntry.Insert(groupId, entry);
    }

    public void DeleteEntriesFrom(ulong groupId, ulong index) => Execute(_deleteEntriesFrom, groupId, index);

    public void DeleteEntriesThrough(ulong groupId, ulong index) => Execute(_deleteEntriesThrough, groupId, index);

    public void DeleteAllEntries(ulong groupId)
    {
        Bind(_deleteAllEntries, groupId);
        _deleteAllEntries.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in _all) command.Dispose();
        _insertEntry.Dispose();
    }

    private void Execute(SqliteCommand command, ulong groupId, ulong index)
    {
        Bind(command, groupId, index);
        command.ExecuteNonQuery();
    }

    private void Bind(SqliteCommand command, ulong groupId)
    {
        command.Transaction = Transaction;
        command.Parameters[GroupId].Value = ToColumn(groupId);
    }

    private void Bind(SqliteCommand command, ulong groupId, ulong index)
    {
        Bind(command, groupId);
        command.Parameters[Idx].Value = ToColumn(index);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters) command.Parameters.Add(name, type);
        command.Prepare();
        return command;
    }
}
