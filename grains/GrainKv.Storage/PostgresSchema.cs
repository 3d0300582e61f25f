using Npgsql;

namespace GrainKv.Storage;

/// <summary>
/// The PostgreSQL schema as numbered migrations, the same tables as <see cref="SqliteSchema"/> in PostgreSQL's
/// types: ids, indexes and terms in bigint (see <see cref="UnsignedColumn"/>), messages in bytea.
/// <c>schema_version</c> holds one row per applied migration; a database newer than this code is refused.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Any constant will do: it only has to be the same for every GrainKv process migrating a database.</summary>
    private const long MigrationLockKey = 0x4772_6169_6E4B_76;

    /// <summary>Migration n (1-based) is <c>Migrations[n - 1]</c>. Append only: never edit an applied one.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE wal (
            group_id bigint NOT NULL,
            idx bigint NOT NULL,
            term bigint NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (group_id, idx));
        CREATE TABLE raft_state (
            group_id bigint NOT NULL PRIMARY KEY,
            term bigint NOT NULL,
            vote bigint NOT NULL,
            "commit" bigint NOT NULL,
            conf bytea,
            generation bigint NOT NULL);
        CREATE TABLE snapshot (
            group_id bigint NOT NULL PRIMARY KEY,
            idx bigint NOT NULL,
            term bigint NOT NULL,
            data bytea NOT NULL);
        """,
        // 2: snapshots saved in chunks off the Raft loop (IRaftLogStore.StageSnapshotAsync), then adopted by reference.
        """
        CREATE TABLE snapshot_chunk (
            group_id bigint NOT NULL,
            generation bigint NOT NULL,
            idx bigint NOT NULL,
            seq integer NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (group_id, generation, idx, seq));
        ALTER TABLE snapshot ADD COLUMN staged_generation bigint;
        ALTER TABLE snapshot ADD COLUMN staged_chunks integer NOT NULL DEFAULT 0;
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    /// <summary>Brings the database to <see cref="LatestVersion"/> in one transaction; returns the version it found.</summary>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Two silos starting on one database must not both create the tables: the second waits here, then finds them.
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", ct);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY)", ct);
        var found = await CurrentVersionAsync(connection, ct);
        if (found > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The log store database has schema version {found}; this build knows up to {LatestVersion}.");
        }
        for (var version = found + 1; version <= LatestVersion; version++)
        {
            await ExecuteAsync(connection, Migrations[version - 1], ct);
            await ExecuteAsync(connection, $"INSERT INTO schema_version (version) VALUES ({version})", ct);
        }
        await transaction.CommitAsync(ct);
        return found;
    }

    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT MAX(version) FROM schema_version", connection);
        return await command.ExecuteScalarAsync(ct) is int version ? version : 0;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
