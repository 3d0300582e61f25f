using System.Globalization;
using Npgsql;

namespace GrainKv.MemberData;

/// <summary>Which PostgreSQL server a connection string reaches, however it is addressed: the cluster's system identifier.</summary>
public static class PostgresServerIdentity
{
    /// <summary>
    /// PostgreSQL's <c>system_identifier</c>, fixed when initdb created the cluster: two silos whose log stores report the
    /// same one write to the same server, whatever host names or ports their connection strings use.
    /// </summary>
    public static async Task<string> QueryAsync(string connectionString, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT system_identifier FROM pg_control_system()");
        var identifier = (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        return identifier.ToString(CultureInfo.InvariantCulture);
    }
}
