using System.Data.Common;
using GrainKv.Grains.Cluster;
using Npgsql;

namespace GrainKv.Silo;

/// <summary>
/// dbSize for Maintenance.Status and the quota check with --storage postgres: the size of this silo's database
/// (<c>pg_database_size</c>), which holds its Raft logs and snapshots. The quota check sits on the write path and must
/// not wait for a round trip, so the size is measured in the background, at most once a second, and the last
/// measurement answers; while the server is unreachable the last size stands.
/// </summary>
public sealed class PostgresDatabaseSize : IDatabaseSize, IDisposable
{
    private const long RefreshMs = 1000;

    private readonly NpgsqlDataSource _dataSource;
    private long _bytes;
    private long _measuredAtMs = long.MinValue / 2;
    private int _measuring;

    public PostgresDatabaseSize(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _ = Bytes;
    }

    public long Bytes
    {
        get
        {
            if (Environment.TickCount64 - Volatile.Read(ref _measuredAtMs) >= RefreshMs && Interlocked.Exchange(ref _measuring, 1) == 0)
            {
                _ = MeasureAsync();
            }
            return Volatile.Read(ref _bytes);
        }
    }

    public void Dispose() => _dataSource.Dispose();

    private async Task MeasureAsync()
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT pg_database_size(current_database())");
            Volatile.Write(ref _bytes, (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or ObjectDisposedException)
        {
            // Unreachable (the log store reports outages) or shutting down: the last size stands.
        }
        finally
        {
            Volatile.Write(ref _measuredAtMs, Environment.TickCount64);
            Volatile.Write(ref _measuring, 0);
        }
    }
}
