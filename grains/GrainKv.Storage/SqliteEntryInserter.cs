using Google.Protobuf;
using GrainKv.Raft;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static GrainKv.Storage.UnsignedColumn;

namespace GrainKv.Storage;

/// <summary>
/// The log's insert, the one statement every write runs once per entry, on SQLite's own statement API underneath
/// Microsoft.Data.Sqlite: that layer allocates a binder per parameter and a reader per execution, and wants each entry
/// as a byte[] of its own (together about a tenth of what a put allocated). Here an entry is written into one reused
/// buffer and bound as a span; SQLite copies it. The statement joins whatever transaction the connection is in.
/// </summary>
internal sealed class SqliteEntryInserter : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int _groupId;
    private readonly int _index;
    private readonly int _term;
    private readonly int _data;
    private byte[] _buffer = new byte[4096];

    public SqliteEntryInserter(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, LogStoreSql.InsertEntry, out _statement), _db);
        _groupId = raw.sqlite3_bind_parameter_index(_statement, "@group_id");
        _index = raw.sqlite3_bind_parameter_index(_statement, "@idx");
        _term = raw.sqlite3_bind_parameter_index(_statement, "@term");
        _data = raw.sqlite3_bind_parameter_index(_statement, "@data");
    }

    public void Insert(ulong groupId, Entry entry)
    {
        var size = entry.CalculateSize();
        if (_buffer.Length < size) _buffer = new byte[Math.Max(size, 2 * _buffer.Length)];
        var bytes = _buffer.AsSpan(0, size);
        entry.WriteTo(bytes);
        try
        {
            Check(raw.sqlite3_bind_int64(_statement, _groupId, ToColumn(groupId)));
            Check(raw.sqlite3_bind_int64(_statement, _index, ToColumn(entry.Index)));
            Check(raw.sqlite3_bind_int64(_statement, _term, ToColumn(entry.Term)));
            Check(raw.sqlite3_bind_blob(_statement, _data, bytes));
            var done = raw.sqlite3_step(_statement);
            if (done != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(done, _db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int result) => SqliteException.ThrowExceptionForRC(result, _db);
}
