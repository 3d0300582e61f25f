namespace GrainKv.Storage;

/// <summary>
/// The log store's statements, portable between SQLite (3.35+) and PostgreSQL (9.5+): named parameters,
/// ON CONFLICT upserts and RETURNING. Only the schema (<see cref="SqliteSchema"/>, <see cref="PostgresSchema"/>) is
/// per dialect, plus PostgreSQL's row locks and bulk insert (<see cref="PostgresSql"/>).
/// <c>wal.data</c> holds the whole serialized <see cref="GrainKv.Raft.Entry"/> (its type travels with it);
/// <c>snapshot.data</c> the whole serialized <see cref="GrainKv.Raft.Snapshot"/>; <c>raft_state.conf</c> a
/// serialized <see cref="GrainKv.Raft.ConfState"/>. The idx and term columns repeat what the messages hold, for
/// the queries. "commit" is quoted because it is a keyword in both dialects.
/// </summary>
internal static class LogStoreSql
{
    public const string ClaimGeneration = """
        INSERT INTO raft_state (group_id, term, vote, "commit", conf, generation) VALUES (@group_id, 0, 0, 0, NULL, 1)
        ON CONFLICT (group_id) DO UPDATE SET generation = raft_state.generation + 1
        RETURNING generation
        """;

    public const string SelectGeneration = "SELECT generation FROM raft_state WHERE group_id = @group_id";

    public const string SelectState = """SELECT term, vote, "commit", conf FROM raft_state WHERE group_id = @group_id""";

    public const string UpdateHardState = """UPDATE raft_state SET term = @term, vote = @vote, "commit" = @commit WHERE group_id = @group_id""";

    public const string UpdateConf = "UPDATE raft_state SET conf = @conf WHERE group_id = @group_id";

    public const string SelectSnapshot = "SELECT data FROM snapshot WHERE group_id = @group_id";

    public const string SelectSnapshotPosition = "SELECT idx, term FROM snapshot WHERE group_id = @group_id";

    public const string UpsertSnapshot = """
        INSERT INTO snapshot (group_id, idx, term, data) VALUES (@group_id, @idx, @term, @data)
        ON CONFLICT (group_id) DO UPDATE SET idx = excluded.idx, term = excluded.term, data = excluded.data
        """;

    public const string SelectEntryTerm = "SELECT term FROM wal WHERE group_id = @group_id AND idx = @idx";

    public const string SelectEntriesAfter = "SELECT data FROM wal WHERE group_id = @group_id AND idx > @idx ORDER BY idx";

    public const string InsertEntry = "INSERT INTO wal (group_id, idx, term, data) VALUES (@group_id, @idx, @term, @data)";

    public const string DeleteEntriesFrom = "DELETE FROM wal WHERE group_id = @group_id AND idx >= @idx";

    public const string DeleteEntriesThrough = "DELETE FROM wal WHERE group_id = @group_id AND idx <= @idx";

    public const string DeleteAllEntries = "DELETE FROM wal WHERE group_id = @group_id";
}
