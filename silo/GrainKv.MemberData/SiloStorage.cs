using GrainKv.Grains.Cluster;
using GrainKv.Storage;
using Microsoft.Extensions.Logging;

namespace GrainKv.MemberData;

/// <summary>
/// The silo's Raft log store, as --storage names it: SQLite in the data dir (the single-node default), or a
/// database on this silo's own PostgreSQL server (--postgres-connection). Each store logs where it opened.
/// </summary>
public static class SiloStorage
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static async Task<IRaftLogStore> OpenAsync(StorageOptions options, ILoggerFactory loggers, CancellationToken ct) =>
        options.Kind == Postgres
            ? await PostgresRaftLogStore.OpenAsync(PostgresConnection(options), loggers.CreateLogger<PostgresRaftLogStore>(), ct)
            : await SqliteRaftLogStore.OpenAsync(Path.Combine(options.DataDir, "grainkv.db"), loggers.CreateLogger<SqliteRaftLogStore>(), ct);

    /// <summary>The size dbSize and the quota count: this silo's PostgreSQL database, or its data dir with SQLite.</summary>
    public static IDatabaseSize DatabaseSize(StorageOptions options) =>
        options.Kind == Postgres ? new PostgresDatabaseSize(PostgresConnection(options)) : new FileDatabaseSize(options.DataDir);

    /// <summary>
    /// The PostgreSQL server's system identifier, which members compare (in the membership table, or by asking each
    /// other) so that silos sharing one server learn of it; null on SQLite, whose file is this silo's alone.
    /// </summary>
    public static async Task<string?> ServerIdentityAsync(StorageOptions options, CancellationToken ct) =>
        options.Kind == Postgres ? await PostgresServerIdentity.QueryAsync(PostgresConnection(options), ct) : null;

    private static string PostgresConnection(StorageOptions options) =>
        options.PostgresConnection.Length > 0
            ? options.PostgresConnection
            : throw new ArgumentException("--storage postgres needs --postgres-connection (or GRAINKV_POSTGRES_CONNECTION)");
}
