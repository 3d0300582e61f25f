namespace GrainKv.Membership;

/// <summary>
/// One silo incarnation's row in the membership table. Times are the database server's clock, so that
/// comparing them needs no agreement between the silos' clocks.
/// </summary>
/// <param name="PeerHost">Where it serves silo-to-silo gRPC.</param>
/// <param name="ClientUrl">Its etcd client URL, if it serves one.</param>
/// <param name="StorageIdentity">The identity of the server holding its Raft logs (PostgreSQL's system_identifier), if known.</param>
/// <param name="IAmAliveTime">Its last heartbeat.</param>
/// <param name="StatusChangedBy">The incarnation that last changed the status (itself, or the silo that declared it dead).</param>
/// <param name="Bootstrap">What it reports of the cluster it was bootstrapped into (<see cref="SiloRegistration.Bootstrap"/>), if anything.</param>
public sealed record MembershipRow(
    SiloIncarnation Silo,
    string PeerHost,
    int PeerPort,
    Uri? ClientUrl,
    string? StorageIdentity,
    SiloStatus Status,
    DateTime StartTime,
    DateTime IAmAliveTime,
    DateTime StatusChangedTime,
    string StatusChangedBy,
    string? Bootstrap);
