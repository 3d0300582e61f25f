using Npgsql;

namespace GrainKv.Orleans.Tests.Clustering;

/// <summary>Plain SQL against a test database, for arranging and inspecting what the clustering code cannot.</summary>
internal static class ClusteringSql
{
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<(string Component, int Version, DateTime AppliedAt)>> SchemaRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT component, version, applied_at FROM grainkv_component_schema", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, int, DateTime)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetDateTime(2)));
        return rows;
    }

    /// <summary>Silo name and Orleans <c>SiloStatus</c> number of every membership row of <paramref name="cluster"/>.</summary>
    public static async Task<Dictionary<string, int>> MemberStatusesAsync(string connectionString, string cluster)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT silo_name, status FROM orleans_membership WHERE deployment_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = cluster });
        await using var reader = await command.ExecuteReaderAsync();
        var statuses = new Dictionary<string, int>();
        while (await reader.ReadAsync()) statuses.Add(reader.GetString(0), reader.GetInt32(1));
        return statuses;
    }
}
