namespace GrainKv.Orleans.Clustering;

/// <summary>
/// The tables behind Orleans' ADO.NET clustering on PostgreSQL, as numbered migrations of the component
/// <see cref="Component"/>. The provider reads its statements from <c>orleansquery</c> (a name it fixes; unquoted, so
/// lower case), which <see cref="ClusteringSchemaMigrator"/> fills with <see cref="ClusteringQueries"/>.
/// </summary>
public static class ClusteringSchema
{
    /// <summary>This schema's row in <c>grainkv_component_schema</c>.</summary>
    public const string Component = "orleans-clustering";

    /// <summary>
    /// Migration n (1-based) is <c>Migrations[n - 1]</c>. Append only: never edit an applied one. A migration that only
    /// changes statements in <see cref="ClusteringQueries"/> is an empty string: every migration run re-installs them.
    /// </summary>
    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE orleans_membership_version (
            deployment_id text PRIMARY KEY,
            version integer NOT NULL,
            changed_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE orleans_membership (
            deployment_id text NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
            address text NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            silo_name text NOT NULL,
            host_name text NOT NULL,
            status integer NOT NULL,
            proxy_port integer NOT NULL,
            suspect_times text,
            start_time timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation));
        -- Orleans' other ADO.NET providers read the same table; one of their scripts may have made it already.
        CREATE TABLE IF NOT EXISTS orleansquery (
            querykey varchar(64) PRIMARY KEY,
            querytext text NOT NULL);
        """,
    ];

    public static int LatestVersion => Migrations.Length;
}
