namespace GrainKv.Storage;

/// <summary>
/// The log store's statements, portable between SQLite (3.35+) and PostgreSQL (9.5+): named parameters,
/// ON CONFLICT upserts and RETURNING. Only the schema (<see cref="SqliteSchema"/>, <see cref="PostgresSchema"/>) is
/// per dialect, plus PostgreSQL's row locks and bulk insert (<see cref="PostgresSql"/>).
/// <c>wal.data</c> holds the whole serialized <see cref="GrainKv.Raft.Entry"/> (its type travels with it);
/// <c>snapshot.data</c> the whole serialized <see cref="GrainKv.Raft.Snapshot"/>, or only its metadata when
/// <c>staged_generation</c> names the chunks in <c>snapshot_chunk</c> that hold its data; <c>raft_state.conf</c> a
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

    public const string SelectSnapshot = "SELECT data, staged_generation, staged_chunks FROM snapshot WHERE group_id = @group_id";

    public const string SelectSnapshotPosition = "SELECT idx, term FROM snapshot WHERE group_id = @group_id";

    /// <summary>A NULL <c>@staged_generation</c> (and 0 chunks) stores the data inline.</summary>
    public const string UpsertSnapshot = """
        INSERT INTO snapshot (group_id, idx, term, data, staged_generation, staged_chunks)
        VALUES (@group_id, @idx, @term, @data, @staged_generation, @staged_chunks)
        ON CONFLICT (group_id) DO UPDATE SET idx = excluded.idx, term = excluded.term, data = excluded.data,
            staged_generation = excluded.staged_generation, staged_chunks = excluded.staged_chunks
        """;

    /// <summary>A retried staging writes the same chunk again.</summary>
    public const string UpsertSnapshotChunk = """
        INSERT INTO snapshot_chunk (group_id, generation, idx, seq, data) VALUES (@group_id, @generation, @idx, @seq, @data)
        ON CONFLICT (group_id, generation, idx, seq) DO UPDATE SET data = excluded.data
        """;

    public const string SelectSnapshotChunks =
        "SELECT data FROM snapshot_chunk WHERE group_id = @group_id AND generation = @generation AND idx = @idx ORDER BY seq";

    public const string CountSnapshotChunks =
        "SELECT COUNT(*) FROM snapshot_chunk WHERE group_id = @group_id AND generation = @generation AND idx = @idx";

    public const string DeleteSnapshotChunks = "DELETE FROM snapshot_chunk WHERE group_id = @group_id";

    public const string DeleteOtherSnapshotChunks =
        "DELETE FROM snapshot_chunk WHERE group_id = @group_id AND NOT (generation = @generation AND idx = @idx)";

    public const string SelectEntryTerm = "SELECT term FROM wal WHERE group_id = @group_id AND idx = @idx";

    public const string SelectEntriesAfter = "SELECT data FROM wal WHERE group_id = @group_id AND idx > @idx ORDER BY idx";

    public const string InsertEntry = "INSERT INTO wal (group_id, idx, term, data) VALUES (@group_id, @idx, @term, @data)";

    public const string DeleteEntriesFrom = "DELETE FROM wal WHERE group_id = @group_id AND idx >= @idx";

    public const string DeleteEntriesThrough = "DELETE FROM wal WHERE group_id = @group_id AND idx <= @idx";

    public const string DeleteAllEntries = "DELETE FROM wal WHERE group_id = @group_id";
}
