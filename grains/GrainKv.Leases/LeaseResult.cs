namespace GrainKv.Leases;

/// <summary>The outcome of a lease operation: a value, or the <see cref="LeaseError"/> that prevented it.</summary>
public readonly struct LeaseResult<T>
{
    private readonly T? _value;

    private LeaseResult(T? value, LeaseError error)
    {
        _value = value;
        Error = error;
    }

    public LeaseError Error { get; }

    public bool IsOk => Error == LeaseError.None;

    /// <summary>The value; reading it from a failed result is a bug.</summary>
    public T Value => IsOk ? _value! : throw new InvalidOperationException($"Lease result holds error {Error}, not a value.");

    public static LeaseResult<T> Ok(T value) => new(value, LeaseError.None);

    public static LeaseResult<T> Fail(LeaseError error) =>
        error == LeaseError.None ? throw new ArgumentException("A failed result needs an error.", nameof(error)) : new(default, error);

    public static implicit operator LeaseResult<T>(T value) => Ok(value);

    public static implicit operator LeaseResult<T>(LeaseError error) => Fail(error);

    public override string ToString() => IsOk ? $"Ok({_value})" : $"Error({Error})";
}
