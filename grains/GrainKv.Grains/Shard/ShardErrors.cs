using GrainKv.Mvcc;
using GrainKv.Shard;

namespace GrainKv.Grains.Shard;

/// <summary>The MVCC core's errors as the shard reports them across grains.</summary>
public static class ShardErrors
{
    public static ShardError From(KvError error) => error switch
    {
        KvError.None => ShardError.None,
        KvError.EmptyKey => ShardError.EmptyKey,
        KvError.KeyNotFound => ShardError.KeyNotFound,
        KvError.ValueProvided => ShardError.ValueProvided,
        KvError.LeaseProvided => ShardError.LeaseProvided,
        KvError.TooManyOps => ShardError.TooManyOps,
        KvError.DuplicateKey => ShardError.DuplicateKey,
        KvError.Compacted => ShardError.Compacted,
        KvError.FutureRevision => ShardError.FutureRevision,
        KvError.LeaseNotFound => ShardError.LeaseNotFound,
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "An MVCC error with no shard error."),
    };
}
