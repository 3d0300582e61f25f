namespace GrainKv.Mvcc;

/// <summary>
/// Expected failures of KV requests. The gateway maps each to a gRPC status and etcd's exact message
/// (etcd-api.md §7.2); the core never produces message text.
/// </summary>
public enum KvError
{
    None = 0,
    EmptyKey,
    KeyNotFound,
    ValueProvided,
    LeaseProvided,
    TooManyOps,
    DuplicateKey,
    Compacted,
    FutureRevision,
    LeaseNotFound,
}
