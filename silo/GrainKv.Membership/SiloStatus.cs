namespace GrainKv.Membership;

/// <summary>
/// Where one silo incarnation is in its life, as the membership table records it. The table stores the
/// name; a row only moves forward through these, and Dead is final.
/// </summary>
public enum SiloStatus
{
    /// <summary>Registered, not serving yet: its servers are still starting.</summary>
    Joining,

    /// <summary>Serving.</summary>
    Active,

    /// <summary>Stopping gracefully; still heartbeats until it is gone.</summary>
    ShuttingDown,

    /// <summary>Stopped, or declared dead by another silo. A silo that finds its own row dead stops itself.</summary>
    Dead,
}
