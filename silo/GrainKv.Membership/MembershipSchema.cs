using Npgsql;

namespace GrainKv.Membership;

/// <summary>
/// The membership tables as numbered migrations. <c>membership_schema</c> holds one row per applied
/// migration; a database newer than this code is refused rather than guessed at. Silos starting together
/// migrate one at a time under a transaction-scoped advisory lock.
/// </summary>
internal static class MembershipSchema
{
    // Any fixed number unlikely to be used by another application's advisory locks on the same database.
    private const long MigrationLockKey = 0x4772_4b76_4d65_6d62; // "GrKvMemb"

    /// <summary>Migration n (1-based) is <c>Migrations[n - 1]</c>. Append only: never edit an applied one.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE membership_version (
            cluster text PRIMARY KEY,
            version bigint NOT NULL,
            changed_time timestamptz NOT NULL);
        CREATE TABLE membership (
            cluster text NOT NULL REFERENCES membership_version (cluster),
            name text NOT NULL,
            generation integer NOT NULL,
            peer_host text NOT NULL,
            peer_port integer NOT NULL,
            client_url text,
            storage_identity text,
            status text NOT NULL CHECK (status IN ('Joining', 'Active', 'ShuttingDown', 'Dead')),
            start_time timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            status_changed_time timestamptz NOT NULL,
            status_changed_by text NOT NULL,
            PRIMARY KEY (cluster, name, generation));
        """,
        // What each silo reports of the cluster it was bootstrapped into, for gateways that are given no --initial-cluster.
        // Rows written before it have none.
        """
        ALTER TABLE membership ADD COLUMN bootstrap text;
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    /// <summary>Brings the database to <see cref="LatestVersion"/>; returns the version it found.</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", ct).ConfigureAwait(false);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS membership_schema (version integer PRIMARY KEY)", ct).ConfigureAwait(false);
        await using var select = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM membership_schema", connection);
        var found = (int)(await select.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        if (found > LatestVersion)
        {
            throw new InvalidOperationException($"The membership table has schema version {found}; this build knows up to {LatestVersion}.");
        }
        for (var version = found + 1; version <= LatestVersion; version++)
        {
            await ExecuteAsync(connection, Migrations[version - 1], ct).ConfigureAwait(false);
            await ExecuteAsync(connection, $"INSERT INTO membership_schema (version) VALUES ({version})", ct).ConfigureAwait(false);
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return found;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
