using Microsoft.Extensions.Logging;
using Npgsql;

namespace GrainKv.Orleans.Clustering;

/// <summary>
/// Brings a PostgreSQL database to <see cref="ClusteringSchema.LatestVersion"/>: its migrations, then the statements
/// of <see cref="ClusteringQueries"/>, then its row in <c>grainkv_component_schema</c> (one row per component: the
/// version it is at), all in one transaction. Silos and gateways starting together on an empty database take turns
/// on a transaction-scoped advisory lock; whoever comes after the first finds the version and changes nothing. A
/// database newer than this build is refused rather than guessed at.
/// </summary>
public sealed partial class ClusteringSchemaMigrator
{
    /// <summary>Any constant will do: it only has to be the same for every GrainKv process migrating a database.</summary>
    private const long MigrationLockKey = 0x4772_4b76_4f43_6c75; // "GrKvOClu"

    private readonly string _connectionString;
    private readonly IReadOnlyList<string> _migrations;
    private readonly ILogger _logger;

    public ClusteringSchemaMigrator(string connectionString, ILogger<ClusteringSchemaMigrator> logger)
        : this(connectionString, ClusteringSchema.Migrations, logger)
    {
    }

    /// <summary>With other migrations than this build's: how tests take a database through a later version.</summary>
    internal ClusteringSchemaMigrator(string connectionString, IReadOnlyList<string> migrations, ILogger<ClusteringSchemaMigrator> logger)
    {
        _connectionString = connectionString;
        _migrations = migrations;
        _logger = logger;
    }

    private int LatestVersion => _migrations.Count;

    /// <summary>Migrates if needed; returns the version the database was at before.</summary>
    public async Task<int> EnsureAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", ct);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS grainkv_component_schema (
                component text PRIMARY KEY,
                version integer NOT NULL,
                applied_at timestamptz NOT NULL)
            """, ct);
        var found = await VersionAsync(connection, ct);
        if (found > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The database has {ClusteringSchema.Component} schema version {found}; this build knows up to {LatestVersion}.");
        }
        if (found == LatestVersion)
        {
            LogUpToDate(found);
            return found;
        }
        for (var version = found + 1; version <= LatestVersion; version++)
        {
            await ExecuteAsync(connection, _migrations[version - 1], ct);
        }
        await InstallQueriesAsync(connection, ct);
        await RecordVersionAsync(connection, LatestVersion, ct);
        await transaction.CommitAsync(ct);
        LogMigrated(found, LatestVersion);
        return found;
    }

    private static async Task<int> VersionAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM grainkv_component_schema WHERE component = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ClusteringSchema.Component });
        return await command.ExecuteScalarAsync(ct) is int version ? version : 0;
    }

    private static async Task InstallQueriesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var (key, text) in ClusteringQueries.ByKey)
        {
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO orleansquery (querykey, querytext) VALUES ($1, $2)
                ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext
                """);
            upsert.Parameters.Add(new NpgsqlParameter { Value = key });
            upsert.Parameters.Add(new NpgsqlParameter { Value = text });
            batch.BatchCommands.Add(upsert);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static async Task RecordVersionAsync(NpgsqlConnection connection, int version, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO grainkv_component_schema (component, version, applied_at) VALUES ($1, $2, now())
            ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version, applied_at = EXCLUDED.applied_at
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ClusteringSchema.Component });
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
