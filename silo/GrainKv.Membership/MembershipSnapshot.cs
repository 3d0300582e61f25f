namespace GrainKv.Membership;

/// <summary>
/// The whole membership table of one cluster as read in one statement: its version (every status change
/// and every join raises it; heartbeats do not), the database's clock at the read, and every row.
/// </summary>
public sealed record MembershipSnapshot(long Version, DateTime Now, IReadOnlyList<MembershipRow> Rows)
{
    public MembershipRow? Find(SiloIncarnation silo) => Rows.FirstOrDefault(row => row.Silo == silo);
}
