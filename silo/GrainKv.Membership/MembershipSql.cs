namespace GrainKv.Membership;

/// <summary>
/// The statements on the membership tables. Every time is the database's <c>now()</c>. Joins and status
/// changes raise the cluster's version; a death declaration only succeeds if the version is still the one
/// its judgement was made on. Heartbeats and the removal of defunct rows leave the version alone, so they
/// never make a declaration retry: no judgement reads a row that a removal may delete.
/// </summary>
internal static class MembershipSql
{
    public const string EnsureVersionRow = """
        INSERT INTO membership_version (cluster, version, changed_time) VALUES (@cluster, 0, now())
        ON CONFLICT (cluster) DO NOTHING
        """;

    // One statement, so the version and the rows come from one snapshot of the database.
    public const string ReadAll = """
        SELECT v.version, clock.now, m.name, m.generation, m.peer_host, m.peer_port, m.client_url, m.storage_identity,
               m.status, m.start_time, m.i_am_alive_time, m.status_changed_time, m.status_changed_by, m.bootstrap
        FROM (SELECT now() AS now) AS clock
        LEFT JOIN membership_version v ON v.cluster = @cluster
        LEFT JOIN membership m ON m.cluster = v.cluster
        ORDER BY m.name, m.generation
        """;

    public const string BumpVersion = """
        UPDATE membership_version SET version = version + 1, changed_time = now() WHERE cluster = @cluster
        """;

    public const string BumpVersionIfUnchanged = """
        UPDATE membership_version SET version = version + 1, changed_time = now() WHERE cluster = @cluster AND version = @version
        """;

    // The generation is the start time in seconds since 2024 (as the runtime's own generations are), raised
    // past every earlier generation of the name so that a restart within a second, or on a host whose clock
    // is behind, still gets a larger one.
    public const string Join = """
        WITH next AS (
            SELECT GREATEST(floor(extract(epoch FROM now() - timestamptz '2024-01-01 00:00:00+00'))::integer,
                            COALESCE(MAX(generation), 0) + 1) AS generation
            FROM membership WHERE cluster = @cluster AND name = @name)
        INSERT INTO membership (cluster, name, generation, peer_host, peer_port, client_url, storage_identity, status,
                                start_time, i_am_alive_time, status_changed_time, status_changed_by, bootstrap)
        SELECT @cluster, @name, next.generation, @peer_host, @peer_port, @client_url, @storage_identity, 'Joining',
               now(), now(), now(), @name || '@' || next.generation, @bootstrap
        FROM next
        RETURNING generation
        """;

    public const string SetOwnStatus = """
        UPDATE membership SET status = @status, status_changed_time = now(), status_changed_by = @by
        WHERE cluster = @cluster AND name = @name AND generation = @generation AND status <> 'Dead'
        """;

    public const string Heartbeat = """
        UPDATE membership SET i_am_alive_time = now()
        WHERE cluster = @cluster AND name = @name AND generation = @generation AND status <> 'Dead'
        """;

    public const string DeclareDead = """
        UPDATE membership SET status = 'Dead', status_changed_time = now(), status_changed_by = @by
        WHERE cluster = @cluster AND status <> 'Dead'
          AND (name, generation) IN (SELECT * FROM unnest(@names::text[], @generations::integer[]))
        """;

    // Rows another silo is removing at the same moment are skipped rather than waited for: silos cleaning at once
    // neither block nor deadlock each other, and each row is counted by the one silo that removed it. A dead row
    // stays dead, so the judgement that picked these rows cannot have gone stale; the status test only makes sure.
    public const string RemoveDefunct = """
        DELETE FROM membership
        WHERE (cluster, name, generation) IN (
            SELECT cluster, name, generation FROM membership
            WHERE cluster = @cluster AND status = 'Dead'
              AND (name, generation) IN (SELECT * FROM unnest(@names::text[], @generations::integer[]))
            FOR UPDATE SKIP LOCKED)
        """;
}
