namespace GrainKv.Membership;

/// <summary>What one silo concludes from a snapshot of the membership table.</summary>
/// <param name="SelfDead">This silo's own row is dead, missing or superseded: it must stop.</param>
/// <param name="Deaths">Other incarnations to declare dead, each with its reason.</param>
public sealed record MembershipJudgement(bool SelfDead, IReadOnlyList<(MembershipRow Row, DeathReason Reason)> Deaths);
