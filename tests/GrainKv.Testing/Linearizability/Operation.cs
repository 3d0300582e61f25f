namespace GrainKv.Testing.Linearizability;

/// <summary>
/// One client call in a recorded history: what was asked, what came back, and when (in any
/// monotonic tick unit). A call whose outcome is unknown (it timed out or failed ambiguously) has
/// <see cref="ReturnTime"/> = <see cref="NeverReturned"/>: it may or may not have taken effect.
/// </summary>
public sealed record Operation
{
    public const long NeverReturned = long.MaxValue;

    public required int ClientId { get; init; }
    public required OperationKind Kind { get; init; }
    public required string Key { get; init; }

    /// <summary>Put: the value written. Cas: the value written when the compare holds.</summary>
    public string? Value { get; init; }

    /// <summary>Cas: the value the key must hold for the swap to happen.</summary>
    public string? Expected { get; init; }

    /// <summary>Get: the value read; null when the key was absent.</summary>
    public string? ReadValue { get; init; }

    /// <summary>Cas: whether the compare held and the new value was written.</summary>
    public bool Succeeded { get; init; }

    /// <summary>Put and Cas: the revision the answer's header carried; 0 when the outcome is unknown.</summary>
    public long Revision { get; init; }

    public required long CallTime { get; init; }
    public long ReturnTime { get; init; } = NeverReturned;

    public bool OutcomeUnknown => ReturnTime == NeverReturned;

    public static Operation Put(int clientId, string key, string value, long callTime, long returnTime) =>
        new() { ClientId = clientId, Kind = OperationKind.Put, Key = key, Value = value, CallTime = callTime, ReturnTime = returnTime };

    public static Operation Get(int clientId, string key, string? readValue, long callTime, long returnTime) =>
        new() { ClientId = clientId, Kind = OperationKind.Get, Key = key, ReadValue = readValue, CallTime = callTime, ReturnTime = returnTime };

    public static Operation Cas(int clientId, string key, string expected, string value, bool succeeded, long callTime, long returnTime) =>
        new()
        {
            ClientId = clientId, Kind = OperationKind.Cas, Key = key, Expected = expected, Value = value,
            Succeeded = succeeded, CallTime = callTime, ReturnTime = returnTime,
        };

    /// <summary>The same call with its response lost: it may or may not have taken effect.</summary>
    public Operation WithUnknownOutcome() => this with { ReturnTime = NeverReturned, ReadValue = null, Succeeded = false };

    public override string ToString()
    {
        var returned = OutcomeUnknown ? "?" : ReturnTime.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var call = Kind switch
        {
            OperationKind.Put => $"put({Key}, {Value})",
            OperationKind.Get => OutcomeUnknown ? $"get({Key})" : $"get({Key}) -> {ReadValue ?? "absent"}",
            _ => OutcomeUnknown ? $"cas({Key}, {Expected} -> {Value})" : $"cas({Key}, {Expected} -> {Value}) -> {Succeeded}",
        };
        return $"client {ClientId} {call} [{CallTime}, {returned}]";
    }
}
