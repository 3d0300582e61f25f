using GrainKv.Raft;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GrainKv.Storage;

/// <summary>
/// The single-node log store: one SQLite database file in WAL journal mode with <c>synchronous=FULL</c>, so a
/// completed <see cref="SaveAsync"/> survives power loss. The store owns one connection and serializes every
/// operation on it; each save is one immediate transaction.
/// </summary>
public sealed partial class SqliteRaftLogStore : IRaftLogStore
{
    private readonly SqliteConnection _connection;
    private readonly SqliteStatements _statements;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    private SqliteRaftLogStore(SqliteConnection connection, SqliteStatements statements)
    {
        _connection = connection;
        _statements = statements;
    }

    /// <summary>Opens (creating if needed) the database file and brings its schema up to date.</summary>
    public static Task<SqliteRaftLogStore> OpenAsync(string databasePath, ILogger<SqliteRaftLogStore> log, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // A pooled connection would keep the file open after dispose; the store owns its one connection.
            Pooling = false,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Configure(connection);
            var foundVersion = SqliteSchema.Migrate(connection);
            if (foundVersion != SqliteSchema.LatestVersion)
            {
                LogSchemaMigrated(log, databasePath, foundVersion, SqliteSchema.LatestVersion);
            }
            LogOpened(log, databasePath);
            return Task.FromResult(new SqliteRaftLogStore(connection, new SqliteStatements(connection)));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public async Task<ulong> ClaimGenerationAsync(ulong groupId, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _statements.ClaimGeneration(groupId);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<StoredGroupState> LoadAsync(ulong groupId, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // No transaction needed for a consistent read: every write goes through this connection and the gate.
            var (hardState, confState) = _statements.SelectState(groupId);
            var snapshot = _statements.SelectSnapshot(groupId);
            var entries = _statements.SelectEntriesAfter(groupId, snapshot?.Metadata.Index ?? 0);
            return new StoredGroupState(hardState, confState, snapshot, entries);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task SaveAsync(IReadOnlyList<GroupWrite> writes, CancellationToken ct)
    {
        GroupWriteApplier.EnsureWellFormed(writes);
        if (writes.Count == 0) return Task.CompletedTask;
        return InTransactionAsync(statements =>
        {
            foreach (var write in writes) GroupWriteApplier.Apply(statements, write);
        }, ct);
    }

    /// <summary>
    /// One chunk per transaction, each taking the gate afresh: a save waits for one chunk at most. The chunks' commits
    /// do not sync: the adopting save's commit syncs the WAL file, and with it every chunk written before it, as WAL
    /// frames are appended in order (and synced before any checkpoint). A chunk lost in a crash was never adopted.
    /// </summary>
    public async Task<StagedSnapshot> StageSnapshotAsync(ulong groupId, ulong generation, Snapshot snapshot, CancellationToken ct)
    {
        var chunks = SnapshotChunks.Count(snapshot.Data);
        for (var seq = 0; seq < chunks; seq++)
        {
            var chunk = SnapshotChunks.Chunk(snapshot.Data, seq);
            var index = snapshot.Metadata.Index;
            await InTransactionAsync(statements => statements.UpsertSnapshotChunk(groupId, generation, index, seq, chunk), ct, sync: false);
        }
        return new StagedSnapshot(snapshot.Metadata.Clone(), chunks);
    }

    /// <summary>Runs <paramref name="work"/> in one immediate transaction, holding the gate; its commit syncs unless told not to.</summary>
    private async Task InTransactionAsync(Action<SqliteStatements> work, CancellationToken ct, bool sync = true)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!sync) SetSynchronous(_connection, "NORMAL");
            try
            {
                RunTransaction(work);
            }
            finally
            {
                if (!sync) SetSynchronous(_connection, "FULL");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One immediate transaction: it takes the write lock at BEGIN, so it can never fail half-way for a lock.</summary>
    private void RunTransaction(Action<SqliteStatements> work)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        _statements.Transaction = transaction;
        try
        {
            work(_statements);
            transaction.Commit();
        }
        finally
        {
            _statements.Transaction = null;
        }
    }

    /// <summary>
    /// VACUUM rewrites the database without the pages that compacted log prefixes and replaced snapshots freed,
    /// then a TRUNCATE checkpoint empties the WAL file it went through. Saves wait on the gate meanwhile, so this
    /// stalls the silo's Raft writes for as long as the rewrite takes (README, "Snapshot, defrag and hash", has measurements).
    /// </summary>
    public async Task DefragmentAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _connection.CreateCommand();
            command.CommandText = "VACUUM";
            command.ExecuteNonQuery();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A pragma's value as the store's own connection sees it (synchronous is per connection).</summary>
    internal async Task<object?> ReadPragmaAsync(string name, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _connection.CreateCommand();
            command.CommandText = $"PRAGMA {name}";
            return command.ExecuteScalar();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _statements.Dispose();
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void Configure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL";
        var journalMode = command.ExecuteScalar() as string;
        if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite refused WAL journal mode (got '{journalMode}').");
        }
        // FULL syncs the WAL at every commit: a completed save is durable, not only consistent.
        SetSynchronous(connection, "FULL");
    }

    private static void SetSynchronous(SqliteConnection connection, string level)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA synchronous={level}";
        command.ExecuteNonQuery();
    }
}
