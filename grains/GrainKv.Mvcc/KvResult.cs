namespace GrainKv.Mvcc;

/// <summary>The outcome of a KV operation: a value, or the <see cref="KvError"/> that prevented it.</summary>
public readonly struct KvResult<T> where T : class
{
    private readonly T? _value;

    private KvResult(T? value, KvError error)
    {
        _value = value;
        Error = error;
    }

    public KvError Error { get; }

    public bool IsOk => Error == KvError.None;

    /// <summary>The value; reading it from a failed result is a bug.</summary>
    public T Value => IsOk ? _value! : throw new InvalidOperationException($"KV result holds error {Error}, not a value.");

    public static KvResult<T> Ok(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), KvError.None);

    public static KvResult<T> Fail(KvError error) =>
        error == KvError.None ? throw new ArgumentException("A failed result needs an error.", nameof(error)) : new(null, error);

    public static implicit operator KvResult<T>(T value) => Ok(value);

    public static implicit operator KvResult<T>(KvError error) => Fail(error);

    public override string ToString() => IsOk ? $"Ok({_value})" : $"Error({Error})";
}
