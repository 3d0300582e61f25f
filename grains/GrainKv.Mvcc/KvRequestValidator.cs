using Etcdserverpb;

namespace GrainKv.Mvcc;

/// <summary>
/// The checks etcd's API layer makes before a request is proposed (etcd v3rpc key.go). Nothing that
/// depends on the store's state is checked here; that happens when the request is applied.
/// </summary>
public static class KvRequestValidator
{
    public const int DefaultMaxTxnOps = 128;

    public static KvError Validate(RangeRequest request) => request.Key.IsEmpty ? KvError.EmptyKey : KvError.None;

    public static KvError Validate(DeleteRangeRequest request) => request.Key.IsEmpty ? KvError.EmptyKey : KvError.None;

    public static KvError Validate(PutRequest request)
    {
        if (request.Key.IsEmpty)
        {
            return KvError.EmptyKey;
        }
        if (request.IgnoreValue && !request.Value.IsEmpty)
        {
            return KvError.ValueProvided;
        }
        if (request.IgnoreLease && request.Lease != 0)
        {
            return KvError.LeaseProvided;
        }
        return KvError.None;
    }

    /// <summary>Shape checks first (op counts, empty keys, empty ops), then the duplicate-key rule per branch.</summary>
    public static KvError Validate(TxnRequest request, int maxTxnOps = DefaultMaxTxnOps)
    {
        var error = ValidateShape(request, maxTxnOps);
        if (error != KvError.None)
        {
            return error;
        }
        error = TxnDuplicateKeyRule.Check(request.Success);
        return error != KvError.None ? error : TxnDuplicateKeyRule.Check(request.Failure);
    }

    /// <summary>The op limit applies to each list separately; a nested txn gets what its parent's longest list left over.</summary>
    private static KvError ValidateShape(TxnRequest request, int maxTxnOps)
    {
        var opCount = Math.Max(request.Compare.Count, Math.Max(request.Success.Count, request.Failure.Count));
        if (opCount > maxTxnOps)
        {
            return KvError.TooManyOps;
        }
        foreach (var compare in request.Compare)
        {
            if (compare.Key.IsEmpty)
            {
                return KvError.EmptyKey;
            }
        }
        var error = ValidateOps(request.Success, maxTxnOps - opCount);
        return error != KvError.None ? error : ValidateOps(request.Failure, maxTxnOps - opCount);
    }

    private static KvError ValidateOps(IReadOnlyList<RequestOp> ops, int maxTxnOps)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            var error = op.RequestCase switch
            {
                RequestOp.RequestOneofCase.RequestRange => Validate(op.RequestRange),
                RequestOp.RequestOneofCase.RequestPut => Validate(op.RequestPut),
                RequestOp.RequestOneofCase.RequestDeleteRange => Validate(op.RequestDeleteRange),
                RequestOp.RequestOneofCase.RequestTxn => ValidateShape(op.RequestTxn, maxTxnOps),
                _ => KvError.KeyNotFound,
            };
            if (error != KvError.None)
            {
                return error;
            }
        }
        return KvError.None;
    }
}
