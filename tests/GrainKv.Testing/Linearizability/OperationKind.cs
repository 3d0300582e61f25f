namespace GrainKv.Testing.Linearizability;

/// <summary>The calls of the key-value register model the checker knows.</summary>
public enum OperationKind
{
    Put,
    Get,

    /// <summary>Compare-and-swap as an etcd Txn: if the value equals the expected one, put the new one.</summary>
    Cas,
}
