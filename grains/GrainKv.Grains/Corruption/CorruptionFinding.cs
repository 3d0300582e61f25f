namespace GrainKv.Grains.Corruption;

/// <summary>
/// One broken <see cref="CorruptionRule"/>: the member it points at and the two values that disagree (hashes,
/// revisions or compact revisions, as the rule compares them), the leader's first.
/// </summary>
public sealed record CorruptionFinding(ulong MemberId, CorruptionRule Rule, long LeaderValue, long MemberValue);
