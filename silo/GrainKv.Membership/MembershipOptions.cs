namespace GrainKv.Membership;

/// <summary>How often a silo heartbeats into the membership table, and how long a silo may go unheard before it is declared dead.</summary>
public sealed record MembershipOptions
{
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan DeathTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws unless the death timeout spans at least two heartbeats, so that one late heartbeat never kills a silo.</summary>
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
        return this;
    }
}
