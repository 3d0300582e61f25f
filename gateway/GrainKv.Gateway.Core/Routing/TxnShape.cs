using Etcdserverpb;

namespace GrainKv.Gateway.Routing;

/// <summary>What routing needs to know about a txn: whether it writes, how it may be read, which keys it touches.</summary>
public static class TxnShape
{
    /// <summary>A txn whose branches (nested ones included) hold only ranges changes nothing and skips Raft.</summary>
    public static bool IsReadOnly(TxnRequest txn) =>
        txn.Success.All(IsReadOnly) && txn.Failure.All(IsReadOnly);

    /// <summary>etcd serves a read-only txn serializably only when every range in it asks to be.</summary>
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

    private static bool IsReadOnly(RequestOp op) => op.RequestCase switch
    {
        RequestOp.RequestOneofCase.RequestRange => true,
        RequestOp.RequestOneofCase.RequestTxn => IsReadOnly(op.RequestTxn),
        _ => false,
    };

    private static bool IsSerializable(RequestOp op) => op.RequestCase switch
    {
        RequestOp.RequestOneofCase.RequestRange => op.RequestRange.Serializable,
        RequestOp.RequestOneofCase.RequestTxn => IsSerializable(op.RequestTxn),
        _ => true,
    };
}
