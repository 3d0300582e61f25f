using System.Diagnostics.Metrics;

namespace GrainKv.Membership;

/// <summary>
/// The instruments of this silo's part in the membership table, on its own meter so that silos sharing a process
/// count apart. The gauges show the table as this silo last read it.
/// </summary>
public sealed class MembershipMetrics
{
    public const string MeterName = "GrainKv.Membership";

    private readonly Counter<long> _heartbeatsWritten;
    private readonly Counter<long> _heartbeatsFailed;
    private readonly Counter<long> _deathsDeclared;
    private readonly Counter<long> _defunctRowsRemoved;
    private volatile MembershipSnapshot? _lastRead;

    public MembershipMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _heartbeatsWritten = meter.CreateCounter<long>("grainkv_membership_heartbeats_total",
            description: "Heartbeats this silo wrote into the membership table.");
        _heartbeatsFailed = meter.CreateCounter<long>("grainkv_membership_heartbeat_failures_total",
            description: "Heartbeats this silo could not write: the table was unreachable or too slow, or its row was dead.");
        _deathsDeclared = meter.CreateCounter<long>("grainkv_membership_deaths_declared_total",
            description: "Silo incarnations this silo declared dead, by reason.");
        _defunctRowsRemoved = meter.CreateCounter<long>("grainkv_membership_defunct_rows_removed_total",
            description: "Rows of long-dead silos this silo deleted from the membership table.");
        meter.CreateObservableGauge("grainkv_membership_silos", ObserveSilos,
            description: "Rows of the membership table by status, as this silo last read it.");
        meter.CreateObservableGauge("grainkv_membership_table_version", ObserveVersion,
            description: "The membership table's version (raised by every join and status change) as this silo last read it.");
    }

    internal void Read(MembershipSnapshot snapshot) => _lastRead = snapshot;

    internal void HeartbeatWritten() => _heartbeatsWritten.Add(1);

    internal void HeartbeatFailed() => _heartbeatsFailed.Add(1);

    internal void DeathDeclared(DeathReason reason) => _deathsDeclared.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));

    internal void DefunctRowsRemoved(int rows) => _defunctRowsRemoved.Add(rows);

    // Every status, zero included, so that a status's series does not vanish when its last row changes.
    private IEnumerable<Measurement<long>> ObserveSilos() =>
        _lastRead is { } table
            ? Enum.GetValues<SiloStatus>().Select(status => new Measurement<long>(table.Rows.Count(row => row.Status == status),
                new KeyValuePair<string, object?>("status", status.ToString())))
            : [];

    private IEnumerable<Measurement<long>> ObserveVersion() =>
        _lastRead is { } table ? [new Measurement<long>(table.Version)] : [];
}
