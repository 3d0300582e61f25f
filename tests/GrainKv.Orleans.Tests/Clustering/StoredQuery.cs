using System.Data;
using Npgsql;

namespace GrainKv.Orleans.Tests.Clustering;

/// <summary>
/// Runs a statement from <c>orleansquery</c> the way Orleans' ADO.NET provider does: looked up by key, parameters
/// bound by name with the <see cref="DbType"/> Orleans gives their .NET type, columns read by name.
/// </summary>
internal static class StoredQuery
{
    public static async Task<List<Dictionary<string, object?>>> RunAsync(string connectionString, string key, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = await TextAsync(connection, key);
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            parameter.DbType = value switch
            {
                int => DbType.Int32,
                DateTime => DbType.DateTime,
                _ => DbType.String,
            };
            command.Parameters.Add(parameter);
        }
        var rows = new List<Dictionary<string, object?>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The single boolean a conditional write answers, as Orleans reads it.</summary>
    public static async Task<bool> RunForBooleanAsync(string connectionString, string key, params (string Name, object? Value)[] parameters)
    {
        var row = Assert.Single(await RunAsync(connectionString, key, parameters));
        return Convert.ToBoolean(Assert.Single(row.Values));
    }

    private static async Task<string> TextAsync(NpgsqlConnection connection, string key)
    {
        // The provider's own lookup, verbatim.
        await using var command = new NpgsqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if ((string)reader["QueryKey"] == key) return (string)reader["QueryText"];
        }
        throw new InvalidOperationException($"no query {key} in orleansquery");
    }
}
