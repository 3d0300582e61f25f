namespace GrainKv.MemberData;

/// <summary>Where a member keeps its data: the data dir, and the Raft log store --storage names.</summary>
public sealed record StorageOptions
{
    public const string DefaultDataDir = "grainkv.data";

    /// <summary><see cref="SiloStorage.Sqlite"/> or <see cref="SiloStorage.Postgres"/>.</summary>
    public string Kind { get; init; } = SiloStorage.Sqlite;
    public string DataDir { get; init; } = DefaultDataDir;
    public string PostgresConnection { get; init; } = "";
}
