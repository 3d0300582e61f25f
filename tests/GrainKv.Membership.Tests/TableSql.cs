using System.Globalization;
using Npgsql;

namespace GrainKv.Membership.Tests;

/// <summary>Statements a test runs on the membership tables behind the table's back, to set up what would take long to happen.</summary>
internal static class TableSql
{
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>SQL that makes <paramref name="silo"/>'s row dead, and silent, since <paramref name="age"/> ago by the database's clock.</summary>
    public static string DeadFor(SiloIncarnation silo, TimeSpan age) => string.Create(CultureInfo.InvariantCulture, $"""
        UPDATE membership SET status = 'Dead', status_changed_time = now() - interval '{age.TotalSeconds} seconds',
                              i_am_alive_time = now() - interval '{age.TotalSeconds} seconds'
        WHERE name = '{silo.Name}' AND generation = {silo.Generation};
        """);
}
