using Etcdserverpb;

namespace GrainKv.Gateway.Routing;

/// <summary>What routing needs to know about a txn: whether it writes, how it may be read, which keys it touches.</summary>
public static class TxnShape
{
    /// <summary>A txn whose branches (nested ones included) hold only ranges changes nothing and skips Raft.</summary>
    public static bool IsReadOnly(TxnRequest txn) =>
        txn.Success.All(IsReadOnly) && txn.Failure.All(IsReadOnly);

    /// <summary>
    /// etcd's isTxnSerializable: a read-only txn is served serializably when every op of both branches is a range
    /// that asks to be, so one with no ops (compares only) too, and one holding a nested txn never (etcd proposes
    /// that through Raft). A member answers a write only once it applied it, so its own writes are seen either way.
    /// </summary>
    public static bool IsSerializable(TxnRequest txn) =>
        txn.Success.All(IsSerializable) && txn.Failure.All(IsSerializable);

    /// <summary>Every (key, range_end) the txn compares or operates on.</summary>
    public static IEnumerable<(Google.Protobuf.ByteString Key, Google.Protobuf.ByteString RangeEnd)> Intervals(TxnRequest txn)
    {
        foreach (var compare in txn.Compare) yield return (compare.Key, compare.RangeEnd);
        foreach (var op in txn.Success.Concat(txn.Failure))
        {
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestRange: yield return (op.RequestRange.Key, op.RequestRange.RangeEnd); break;
                case RequestOp.RequestOneofCase.RequestPut: yield return (op.RequestPut.Key, Google.Protobuf.ByteString.Empty); break;
                case RequestOp.RequestOneofCase.RequestDeleteRange: yield return (op.RequestDeleteRange.Key, op.RequestDeleteRange.RangeEnd); break;
                case RequestOp.RequestOneofCase.RequestTxn:
                    foreach (var interval in Intervals(op.RequestTxn)) yield return interval;
                    break;
            }
        }
    }

    /// <summary>Whether any put of the txn (nested ones included) attaches its key to a lease.</summary>
    public static bool AttachesLease(TxnRequest txn) =>
        txn.Success.Concat(txn.Failure).Any(op => op.RequestCase switch
        {
            RequestOp.RequestOneofCase.RequestPut => op.RequestPut.Lease != 0,
            RequestOp.RequestOneofCase.RequestTxn => AttachesLease(op.RequestTxn),
            _ => false,
        });

    private static bool IsReadOnly(RequestOp op) => op.RequestCase switch
    {
        RequestOp.RequestOneofCase.RequestRange => true,
        RequestOp.RequestOneofCase.RequestTxn => IsReadOnly(op.RequestTxn),
        _ => false,
    };

    private static bool IsSerializable(RequestOp op) => op.RequestCase switch
    {
        RequestOp.RequestOneofCase.RequestRange => op.RequestRange.Serializable,
        _ => false,
    };
}
