using Microsoft.Data.Sqlite;

namespace GrainKv.Storage;

/// <summary>
/// The SQLite schema as numbered migrations. <c>schema_version</c> holds one row per applied migration; a database
/// newer than this code is refused rather than guessed at.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Migration n (1-based) is <c>Migrations[n - 1]</c>. Append only: never edit an applied one.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE wal (
            group_id INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            term INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (group_id, idx));
        CREATE TABLE raft_state (
            group_id INTEGER NOT NULL PRIMARY KEY,
            term INTEGER NOT NULL,
            vote INTEGER NOT NULL,
            "commit" INTEGER NOT NULL,
            conf BLOB,
            generation INTEGER NOT NULL);
        CREATE TABLE snapshot (
            group_id INTEGER NOT NULL PRIMARY KEY,
            idx INTEGER NOT NULL,
            term INTEGER NOT NULL,
            data BLOB NOT NULL);
        """,
        // 2: snapshots saved in chunks off the Raft loop (IRaftLogStore.StageSnapshotAsync), then adopted by reference.
        """
        CREATE TABLE snapshot_chunk (
            group_id INTEGER NOT NULL,
            generation INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            seq integer NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (group_id, generation, idx, seq));
        ALTER TABLE snapshot ADD COLUMN staged_generation INTEGER;
        ALTER TABLE snapshot ADD COLUMN staged_chunks integer NOT NULL DEFAULT 0;
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    /// <summary>Brings the database to <see cref="LatestVersion"/>; returns the version it found.</summary>
    public static int Migrate(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY)");
        var found = CurrentVersion(connection, transaction);
        if (found > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The log store database has schema version {found}; this build knows up to {LatestVersion}.");
        }
        for (var version = found + 1; version <= LatestVersion; version++)
        {
            Execute(connection, transaction, Migrations[version - 1]);
            Execute(connection, transaction, $"INSERT INTO schema_version (version) VALUES ({version})");
        }
        transaction.Commit();
        return found;
    }

    private static int CurrentVersion(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT MAX(version) FROM schema_version";
        return command.ExecuteScalar() is long version ? checked((int)version) : 0;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
