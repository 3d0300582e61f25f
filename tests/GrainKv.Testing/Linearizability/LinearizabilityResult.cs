namespace GrainKv.Testing.Linearizability;

/// <summary>The checker's answer; for a failure, the key whose sub-history has no linearization and why.</summary>
public sealed record LinearizabilityResult(LinearizabilityVerdict Verdict, string? Key, string Explanation)
{
    public static LinearizabilityResult Linearizable(int operations) =>
        new(LinearizabilityVerdict.Linearizable, null, $"{operations} operations are linearizable");

    public bool IsLinearizable => Verdict == LinearizabilityVerdict.Linearizable;

    public override string ToString() => Key is null ? $"{Verdict}: {Explanation}" : $"{Verdict} on key '{Key}': {Explanation}";
}
