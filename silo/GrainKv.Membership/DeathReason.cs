namespace GrainKv.Membership;

/// <summary>Why a silo incarnation is declared dead.</summary>
public enum DeathReason
{
    /// <summary>No heartbeat for longer than the death timeout.</summary>
    MissedHeartbeats,

    /// <summary>A newer incarnation of the same silo has registered: the old one was restarted.</summary>
    Superseded,
}
