using Etcdserverpb;
using Google.Protobuf;

namespace GrainKv.Leases;

/// <summary>A lease just removed from the table, with the keys that were attached to it, in key order.</summary>
public sealed record RevokedLease(long Id, IReadOnlyList<ByteString> Keys)
{
    /// <summary>
    /// One txn that deletes every attached key, so they vanish in one revision with one DELETE event
    /// each, in key order, as etcd's revoke does. Without keys it changes nothing and creates no revision.
    /// </summary>
    public TxnRequest DeleteKeysTxn()
    {
        var txn = new TxnRequest();
        foreach (var key in Keys)
        {
            txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } });
        }
        return txn;
    }
}
