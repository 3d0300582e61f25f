namespace GrainKv.Orleans.Clustering;

/// <summary>
/// The statements Orleans' ADO.NET clustering provider reads from <c>orleansquery</c>, by the key it asks for. The
/// contract (dotnet/orleans, src/AdoNet: <c>DbStoredQueries</c>, <c>RelationalOrleansQueries</c>):
/// <list type="bullet">
/// <item>Parameters are bound by name: strings as text (<c>DeploymentId</c> is the cluster id, <c>Address</c> an IP),
/// <c>Port</c>, <c>Generation</c>, <c>Status</c> (<c>SiloStatus</c>: Active 3, Dead 6), <c>ProxyPort</c> and
/// <c>Version</c> as int, times as UTC <see cref="DateTime"/>, <c>SuspectTimes</c> as Orleans' own string or null.</item>
/// <item>Columns are read by name, hence the quoted aliases; ints must come back as int.</item>
/// <item>Reads return the table version first-class: at least one row whenever the version row exists, a member's
/// columns null (<c>StartTime</c> null means "no member") when none matches.</item>
/// <item>Inserts and updates succeed only if <c>Version</c> (the etag: the version the caller read) is still the
/// table's, and raise it by one in the same statement; they answer one row with one boolean. I-am-alive heartbeats
/// and defunct-row cleanup leave the version alone.</item>
/// </list>
/// Each statement is a single statement, so PostgreSQL runs it atomically without a transaction around it; the
/// version row is the one row every conditional write locks, which orders them.
/// </summary>
public static class ClusteringQueries
{
    public const string GatewaysQueryKey = """
        SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
        FROM orleans_membership
        WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
        """;

    public const string MembershipReadRowKey = $"""
        {SelectMembers}
        LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
            AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
        WHERE v.deployment_id = @DeploymentId
        """;

    public const string MembershipReadAllKey = $"""
        {SelectMembers}
        LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
        WHERE v.deployment_id = @DeploymentId
        """;

    public const string InsertMembershipVersionKey = """
        WITH inserted AS (
            INSERT INTO orleans_membership_version (deployment_id, version) VALUES (@DeploymentId, 0)
            ON CONFLICT (deployment_id) DO NOTHING
            RETURNING 1)
        SELECT count(*) > 0 AS "Inserted" FROM inserted
        """;

    public const string UpdateIAmAlivetimeKey = """
        UPDATE orleans_membership SET i_am_alive_time = @IAmAliveTime
        WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
        """;

    public const string InsertMembershipKey = """
        WITH claimed AS (
            UPDATE orleans_membership_version SET version = version + 1, changed_at = now()
            WHERE deployment_id = @DeploymentId AND version = @Version
                AND NOT EXISTS (
                    SELECT 1 FROM orleans_membership
                    WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
            RETURNING deployment_id),
        inserted AS (
            INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                            proxy_port, start_time, i_am_alive_time)
            SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                   @ProxyPort, @StartTime, @IAmAliveTime
            FROM claimed
            RETURNING 1)
        SELECT count(*) > 0 AS "Inserted" FROM inserted
        """;

    public const string UpdateMembershipKey = """
        WITH claimed AS (
            UPDATE orleans_membership_version SET version = version + 1, changed_at = now()
            WHERE deployment_id = @DeploymentId AND version = @Version
                AND EXISTS (
                    SELECT 1 FROM orleans_membership
                    WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
            RETURNING deployment_id),
        updated AS (
            UPDATE orleans_membership m
            SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
            FROM claimed
            WHERE m.deployment_id = claimed.deployment_id
                AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
            RETURNING 1)
        SELECT count(*) > 0 AS "Updated" FROM updated
        """;

    /// <summary>The version row goes too; its members follow it (ON DELETE CASCADE).</summary>
    public const string DeleteMembershipTableEntriesKey = """
        DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
        """;

    /// <summary>Rows of silos declared Dead (6) that stopped heartbeating before <c>IAmAliveTime</c>.</summary>
    public const string CleanupDefunctSiloEntriesKey = """
        DELETE FROM orleans_membership
        WHERE deployment_id = @DeploymentId AND status = 6 AND i_am_alive_time < @IAmAliveTime
        """;

    /// <summary>Every statement by the key the provider reads it under.</summary>
    public static IReadOnlyDictionary<string, string> ByKey { get; } = new Dictionary<string, string>
    {
        [nameof(GatewaysQueryKey)] = GatewaysQueryKey,
        [nameof(MembershipReadRowKey)] = MembershipReadRowKey,
        [nameof(MembershipReadAllKey)] = MembershipReadAllKey,
        [nameof(InsertMembershipVersionKey)] = InsertMembershipVersionKey,
        [nameof(UpdateIAmAlivetimeKey)] = UpdateIAmAlivetimeKey,
        [nameof(InsertMembershipKey)] = InsertMembershipKey,
        [nameof(UpdateMembershipKey)] = UpdateMembershipKey,
        [nameof(DeleteMembershipTableEntriesKey)] = DeleteMembershipTableEntriesKey,
        [nameof(CleanupDefunctSiloEntriesKey)] = CleanupDefunctSiloEntriesKey,
    };

    private const string SelectMembers = """
        SELECT v.version AS "Version",
               m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
               m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
               m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
        FROM orleans_membership_version v
        """;
}
