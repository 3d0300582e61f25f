using System.Data.Common;
using Npgsql;

namespace GrainKv.MemberData;

/// <summary>
/// dbSize for Maintenance.Status and the quota check with --storage postgres: the size of this silo's database
/// (<c>pg_database_size</c>), which holds its Raft logs and snapshots. While the server is unreachable the last
/// size stands.
/// </summary>
public sealed class PostgresDatabaseSize : PeriodicDatabaseSize, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabaseSize(string connectionString) : base(first: null)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        Refresh();
    }

    public void Dispose() => _dataSource.Dispose();

    protected override async Task<long?> MeasureAsync()
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT pg_database_size(current_database())");
            return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or ObjectDisposedException)
        {
            // Unreachable (the log store reports outages) or shutting down.
            return null;
        }
    }
}
