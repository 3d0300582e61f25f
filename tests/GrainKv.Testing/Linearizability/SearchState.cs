namespace GrainKv.Testing.Linearizability;

/// <summary>
/// Lowe's memo key: which operations are linearized and the model state they leave. Two search
/// paths reaching the same pair have the same future, so the second is cut off.
/// </summary>
internal readonly struct SearchState : IEquatable<SearchState>
{
    private readonly ulong[] _linearized;
    private readonly string? _value;
    private readonly int _hash;

    public SearchState(ulong[] linearized, string? value)
    {
        _linearized = (ulong[])linearized.Clone();
        _value = value;
        var hash = new HashCode();
        foreach (var word in linearized) hash.Add(word);
        hash.Add(value);
        _hash = hash.ToHashCode();
    }

    public bool Equals(SearchState other) =>
        _hash == other._hash && _value == other._value && _linearized.AsSpan().SequenceEqual(other._linearized);

    public override bool Equals(object? obj) => obj is SearchState other && Equals(other);

    public override int GetHashCode() => _hash;
}
