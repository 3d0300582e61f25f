using Xunit;

namespace GrainKv.Testing.Postgres;

/// <summary>One real PostgreSQL server for a test class; each test makes its own database on it.</summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A fresh, empty database; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync() => Server.CreateDatabaseAsync($"test_{Guid.NewGuid():N}");
}
