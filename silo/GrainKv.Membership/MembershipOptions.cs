namespace GrainKv.Membership;

/// <summary>
/// How often a silo heartbeats into the membership table, how long a silo may go unheard before it is declared dead,
/// and how long the rows of dead silos are kept.
/// </summary>
public sealed record MembershipOptions
{
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan DeathTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Rows dead for longer than this are deleted (<see cref="MembershipRules.Defunct"/>), as Orleans' DefunctSiloExpiration.</summary>
    public TimeSpan DefunctExpiration { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How often each Active silo looks for defunct rows, as Orleans' DefunctSiloCleanupPeriod.</summary>
    public TimeSpan DefunctCleanupPeriod { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Throws unless the death timeout spans at least two heartbeats, so that one late heartbeat never kills a silo, and
    /// the defunct expiration and cleanup period are positive.
    /// </summary>
    public MembershipOptions Validated()
    {
        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The membership heartbeat interval must be positive, not {HeartbeatInterval.TotalMilliseconds} ms.");
        }
        if (DeathTimeout < 2 * HeartbeatInterval)
        {
            throw new ArgumentException(
                $"The membership death timeout ({DeathTimeout.TotalMilliseconds} ms) must be at least two heartbeat intervals ({HeartbeatInterval.TotalMilliseconds} ms each).");
        }
        if (DefunctExpiration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The membership defunct expiration must be positive, not {DefunctExpiration.TotalMilliseconds} ms.");
        }
        if (DefunctCleanupPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The membership defunct cleanup period must be positive, not {DefunctCleanupPeriod.TotalMilliseconds} ms.");
        }
        return this;
    }
}
