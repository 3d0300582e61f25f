namespace GrainKv.Testing.Linearizability;

/// <summary>
/// The sequential specification of one key: its state is the value, null when absent. A Cas
/// compares the value as etcd's VALUE compare does, so it never holds on an absent key.
/// </summary>
internal static class RegisterModel
{
    /// <summary>Whether <paramref name="operation"/> can take effect on <paramref name="state"/>, and the state after it.</summary>
    public static bool TryStep(Operation operation, string? state, out string? next)
    {
        switch (operation.Kind)
        {
            case OperationKind.Put:
                next = operation.Value;
                return true;
            case OperationKind.Get:
                next = state;
                return operation.OutcomeUnknown || operation.ReadValue == state;
            default:
                var holds = state is not null && state == operation.Expected;
                next = holds ? operation.Value : state;
                return operation.OutcomeUnknown || holds == operation.Succeeded;
        }
    }
}
