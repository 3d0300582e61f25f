using Npgsql;
using NpgsqlTypes;

namespace GrainKv.Membership;

/// <summary>
/// The membership table of one cluster (rows keyed by cluster name, so clusters can share a database) in
/// PostgreSQL. Silos join, heartbeat, change their own status, declare others dead and remove the rows of
/// long-dead ones through it; gateways and clients only read it.
/// </summary>
public sealed class PostgresMembershipTable : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _cluster;

    private PostgresMembershipTable(NpgsqlDataSource dataSource, string cluster)
    {
        _dataSource = dataSource;
        _cluster = cluster;
    }

    /// <summary>Connects, creates or migrates the schema, and makes sure the cluster has its version row.</summary>
    public static async Task<PostgresMembershipTable> OpenAsync(string connectionString, string cluster, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        var table = new PostgresMembershipTable(NpgsqlDataSource.Create(connectionString), cluster);
        try
        {
            await MembershipSchema.MigrateAsync(table._dataSource, ct).ConfigureAwait(false);
            await using var command = table.Command(MembershipSql.EnsureVersionRow);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return table;
        }
        catch
        {
            await table.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<MembershipSnapshot> ReadAsync(CancellationToken ct)
    {
        await using var command = Command(MembershipSql.ReadAll);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        long version = 0;
        var now = DateTime.MinValue;
        var rows = new List<MembershipRow>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            version = reader.IsDBNull(0) ? 0 : reader.GetInt64(0);
            now = reader.GetDateTime(1);
            if (reader.IsDBNull(2)) continue;
            rows.Add(new MembershipRow(
                new SiloIncarnation(reader.GetString(2), reader.GetInt32(3)),
                PeerHost: reader.GetString(4),
                PeerPort: reader.GetInt32(5),
                ClientUrl: reader.IsDBNull(6) ? null : new Uri(reader.GetString(6)),
                StorageIdentity: reader.IsDBNull(7) ? null : reader.GetString(7),
                Status: Enum.Parse<SiloStatus>(reader.GetString(8)),
                StartTime: reader.GetDateTime(9),
                IAmAliveTime: reader.GetDateTime(10),
                StatusChangedTime: reader.GetDateTime(11),
                StatusChangedBy: reader.GetString(12),
                Bootstrap: reader.IsDBNull(13) ? null : reader.GetString(13)));
        }
        return new MembershipSnapshot(version, now, rows);
    }

    /// <summary>Registers a new incarnation of <paramref name="silo"/> as <see cref="SiloStatus.Joining"/>; returns it with its generation.</summary>
    public async Task<SiloIncarnation> JoinAsync(SiloRegistration silo, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var bump = Command(MembershipSql.BumpVersion, connection))
        {
            await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using var join = Command(MembershipSql.Join, connection);
        join.Parameters.AddWithValue("name", silo.Name);
        join.Parameters.AddWithValue("peer_host", silo.PeerHost);
        join.Parameters.AddWithValue("peer_port", silo.PeerPort);
        join.Parameters.AddWithValue("client_url", NpgsqlDbType.Text, (object?)silo.ClientUrl?.ToString() ?? DBNull.Value);
        join.Parameters.AddWithValue("storage_identity", NpgsqlDbType.Text, (object?)silo.StorageIdentity ?? DBNull.Value);
        join.Parameters.AddWithValue("bootstrap", NpgsqlDbType.Text, (object?)silo.Bootstrap ?? DBNull.Value);
        var generation = (int)(await join.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return new SiloIncarnation(silo.Name, generation);
    }

    /// <summary>Moves this silo's own row to <paramref name="status"/>; false if it was declared dead meanwhile (nothing changes then).</summary>
    public async Task<bool> SetOwnStatusAsync(SiloIncarnation self, SiloStatus status, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var bump = Command(MembershipSql.BumpVersion, connection))
        {
            await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using var update = RowCommand(MembershipSql.SetOwnStatus, self, connection);
        update.Parameters.AddWithValue("status", status.ToString());
        update.Parameters.AddWithValue("by", self.ToString());
        if (await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0) return false;
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Records that <paramref name="self"/> is alive now; false if its row is dead or gone.</summary>
    public async Task<bool> HeartbeatAsync(SiloIncarnation self, CancellationToken ct)
    {
        await using var heartbeat = RowCommand(MembershipSql.Heartbeat, self);
        return await heartbeat.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
    }

    /// <summary>
    /// Declares <paramref name="silos"/> dead on behalf of <paramref name="by"/>, if the table's version is still
    /// <paramref name="expectedVersion"/>; false (and nothing changes) if anything joined or changed status since.
    /// </summary>
    public async Task<bool> DeclareDeadAsync(long expectedVersion, IReadOnlyCollection<SiloIncarnation> silos, SiloIncarnation by,
        CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var bump = Command(MembershipSql.BumpVersionIfUnchanged, connection))
        {
            bump.Parameters.AddWithValue("version", expectedVersion);
            if (await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0) return false;
        }
        await using var declare = Command(MembershipSql.DeclareDead, connection);
        declare.Parameters.AddWithValue("by", by.ToString());
        declare.Parameters.AddWithValue("names", silos.Select(silo => silo.Name).ToArray());
        declare.Parameters.AddWithValue("generations", silos.Select(silo => silo.Generation).ToArray());
        await declare.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Deletes the rows of <paramref name="silos"/> that are dead (<see cref="MembershipRules.Defunct"/> picks them); returns
    /// how many this call deleted. Safe to run from several silos at once: a row goes once, and is counted once.
    /// </summary>
    public async Task<int> RemoveDefunctAsync(IReadOnlyCollection<SiloIncarnation> silos, CancellationToken ct)
    {
        await using var remove = Command(MembershipSql.RemoveDefunct);
        remove.Parameters.AddWithValue("names", silos.Select(silo => silo.Name).ToArray());
        remove.Parameters.AddWithValue("generations", silos.Select(silo => silo.Generation).ToArray());
        return await remove.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>
    /// Whether <paramref name="error"/> from a call on the table means the database is down, unreachable or too slow
    /// (as opposed to a bug), given the token that cancels the caller's own work.
    /// </summary>
    public static bool IsUnreachable(Exception error, CancellationToken stopping) =>
        error is NpgsqlException or TimeoutException || error is OperationCanceledException && !stopping.IsCancellationRequested;

    private NpgsqlCommand Command(string sql, NpgsqlConnection? connection = null)
    {
        var command = connection is null ? _dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("cluster", _cluster);
        return command;
    }

    private NpgsqlCommand RowCommand(string sql, SiloIncarnation silo, NpgsqlConnection? connection = null)
    {
        var command = Command(sql, connection);
        command.Parameters.AddWithValue("name", silo.Name);
        command.Parameters.AddWithValue("generation", silo.Generation);
        return command;
    }
}
