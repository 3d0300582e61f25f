namespace GrainKv.Membership;

/// <summary>
/// The liveness rules of the membership table, as pure functions of a snapshot. All times come from the
/// database's clock, so no two silos' clocks are ever compared.
/// </summary>
/// <remarks>
/// Orleans declares a silo dead after enough silos vote that their direct probes of it failed, because
/// a probe from one silo can fail while others succeed. Here liveness is judged from heartbeats in the one
/// table every silo reads, so every silo would cast the same vote: one declaration suffices. It is a
/// compare-and-swap on the table's version, so two silos declaring at once cannot clobber each other or a
/// join that happened in between.
/// </remarks>
public static class MembershipRules
{
    /// <summary>Not dead, and heard from within the death timeout.</summary>
    public static bool IsAlive(MembershipRow row, DateTime now, TimeSpan deathTimeout) =>
        row.Status != SiloStatus.Dead && now - row.IAmAliveTime <= deathTimeout;

    /// <summary>
    /// What <paramref name="self"/> concludes from <paramref name="table"/>. It is dead when its row is dead or
    /// missing, or when a newer live incarnation of its name registered. Otherwise it declares dead every other
    /// row that is superseded by a newer live incarnation of its name, and every other row not heard from within
    /// the death timeout — the latter only while its own heartbeat is fresh, so that a silo that was itself
    /// cut off from the table (its heartbeats failing) does not judge others by its own silence.
    /// </summary>
    public static MembershipJudgement Judge(MembershipSnapshot table, SiloIncarnation self, TimeSpan deathTimeout)
    {
        var newestLive = NewestLiveGeneration(table);
        var own = table.Find(self);
        if (own is null || own.Status == SiloStatus.Dead || newestLive[self.Name] > self.Generation)
        {
            return new MembershipJudgement(SelfDead: true, []);
        }
        var judgesHeartbeats = IsAlive(own, table.Now, deathTimeout);
        var deaths = new List<(MembershipRow, DeathReason)>();
        foreach (var row in table.Rows)
        {
            if (row.Status == SiloStatus.Dead || row.Silo == self) continue;
            if (row.Silo.Generation < newestLive[row.Silo.Name])
            {
                deaths.Add((row, DeathReason.Superseded));
            }
            else if (judgesHeartbeats && !IsAlive(row, table.Now, deathTimeout))
            {
                deaths.Add((row, DeathReason.MissedHeartbeats));
            }
        }
        return new MembershipJudgement(SelfDead: false, deaths);
    }

    /// <summary>
    /// The newest live incarnation of each name that is <see cref="SiloStatus.Active"/>: the silos that serve now.
    /// Ordered by name.
    /// </summary>
    public static IReadOnlyList<MembershipRow> Serving(MembershipSnapshot table, TimeSpan deathTimeout)
    {
        var newestLive = NewestLiveGeneration(table);
        return table.Rows
            .Where(row => row.Status == SiloStatus.Active && row.Silo.Generation == newestLive[row.Silo.Name]
                && IsAlive(row, table.Now, deathTimeout))
            .OrderBy(row => row.Silo.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// The names of the other live silos whose Raft logs are on the same storage server as <paramref name="self"/>'s,
    /// ordered by name. Such silos lose their data together, which defeats replication.
    /// </summary>
    public static IReadOnlyList<string> SharingStorage(MembershipSnapshot table, SiloIncarnation self, TimeSpan deathTimeout)
    {
        if (table.Find(self)?.StorageIdentity is not { } storage) return [];
        return table.Rows
            .Where(row => row.Silo.Name != self.Name && row.StorageIdentity == storage && IsAlive(row, table.Now, deathTimeout))
            .Select(row => row.Silo.Name)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// What the live silos report of the cluster they were bootstrapped into: each distinct report (compared as text)
    /// with the silos that made it, ordered by the first of them. Only the newest incarnation of each name that is
    /// alive counts, joining or serving: a gateway starting beside the silos need not wait for them to serve, and a
    /// cluster since bootstrapped anew under the same name is not mistaken for its dead predecessor. Rows written
    /// without a report count for nothing. More than one report means silos of different clusters share the name.
    /// </summary>
    public static IReadOnlyList<BootstrapReport> Bootstraps(MembershipSnapshot table, TimeSpan deathTimeout)
    {
        var newestLive = NewestLiveGeneration(table);
        return table.Rows
            .Where(row => row.Bootstrap is not null && row.Silo.Generation == newestLive[row.Silo.Name] && IsAlive(row, table.Now, deathTimeout))
            .OrderBy(row => row.Silo.Name, StringComparer.Ordinal)
            .GroupBy(row => row.Bootstrap!, StringComparer.Ordinal)
            .Select(report => new BootstrapReport(report.Key, report.Select(row => row.Silo).ToArray()))
            .ToArray();
    }

    /// <summary>
    /// The rows that may be deleted: dead for longer than <paramref name="expiration"/> by the table's clock, ordered by
    /// name and generation. Only dead rows go: nothing reads them but the silo itself (which stops when its row is dead or
    /// gone alike) and a join, which gives the name's next incarnation a generation above its largest one; so the newest
    /// row of each name stays, dead or not, and generations keep growing whatever the database's clock does.
    /// </summary>
    public static IReadOnlyList<MembershipRow> Defunct(MembershipSnapshot table, TimeSpan expiration)
    {
        var newest = table.Rows
            .GroupBy(row => row.Silo.Name, StringComparer.Ordinal)
            .ToDictionary(rows => rows.Key, rows => rows.Max(row => row.Silo.Generation), StringComparer.Ordinal);
        return table.Rows
            .Where(row => row.Status == SiloStatus.Dead && table.Now - row.StatusChangedTime > expiration
                && row.Silo.Generation < newest[row.Silo.Name])
            .OrderBy(row => row.Silo.Name, StringComparer.Ordinal)
            .ThenBy(row => row.Silo.Generation)
            .ToArray();
    }

    /// <summary>For each name in the table, the largest generation among its rows not yet dead (int.MinValue if none).</summary>
    private static Dictionary<string, int> NewestLiveGeneration(MembershipSnapshot table)
    {
        var newest = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var generation = row.Status == SiloStatus.Dead ? int.MinValue : row.Silo.Generation;
            newest[row.Silo.Name] = Math.Max(generation, newest.GetValueOrDefault(row.Silo.Name, int.MinValue));
        }
        return newest;
    }
}
