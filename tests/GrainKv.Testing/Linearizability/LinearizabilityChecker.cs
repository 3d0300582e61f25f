namespace GrainKv.Testing.Linearizability;

/// <summary>
/// Decides whether a recorded history of put, get and compare-and-swap calls on a key-value store
/// is linearizable. Keys are independent registers, so each key's sub-history is checked on its
/// own (linearizability is compositional: Herlihy and Wing; P-compositionality in Horn and
/// Kroening) with <see cref="KeyHistorySearch"/>. Gets whose outcome is unknown observed nothing
/// and are left out.
/// </summary>
public static class LinearizabilityChecker
{
    public const long DefaultStepBudget = 20_000_000;

    public static LinearizabilityResult Check(IEnumerable<Operation> history, long stepBudget = DefaultStepBudget)
    {
        var operations = history.ToList();
        foreach (var operation in operations) Validate(operation);
        var relevant = operations.Where(o => !(o.Kind == OperationKind.Get && o.OutcomeUnknown));
        foreach (var keyHistory in relevant.GroupBy(o => o.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var result = new KeyHistorySearch(keyHistory.Key, [.. keyHistory]).Run(ref stepBudget);
            if (!result.IsLinearizable) return result;
        }
        return LinearizabilityResult.Linearizable(operations.Count);
    }

    /// <summary>Throws <see cref="NotLinearizableException"/> unless the history is found linearizable.</summary>
    public static void Assert(IEnumerable<Operation> history, string context = "", long stepBudget = DefaultStepBudget)
    {
        var result = Check(history, stepBudget);
        if (!result.IsLinearizable) throw new NotLinearizableException(context.Length == 0 ? result.ToString() : $"{context}: {result}", result);
    }

    private static void Validate(Operation operation)
    {
        if (operation.ReturnTime < operation.CallTime)
            throw new ArgumentException($"{operation} returns before it is called.", nameof(operation));
        var missing = operation.Kind switch
        {
            OperationKind.Put => operation.Value is null,
            OperationKind.Cas => operation.Value is null || operation.Expected is null,
            _ => false,
        };
        if (missing) throw new ArgumentException($"{operation} lacks the values its kind needs.", nameof(operation));
    }
}
