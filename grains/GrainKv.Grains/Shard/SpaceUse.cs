using Etcdserverpb;
using GrainKv.Shard;

namespace GrainKv.Grains.Shard;

/// <summary>
/// Which writes need backend space: those etcd's quota gives a non-zero cost and its capped applier refuses
/// under NOSPACE. Deletes, compaction, lease revokes and alarms only free or keep space, so they always pass.
/// </summary>
public static class SpaceUse
{
    public static bool Grows(ShardCommand command) => command.RequestCase switch
    {
        ShardCommand.RequestOneofCase.Put => true,
        ShardCommand.RequestOneofCase.Txn => HasPut(command.Txn),
        ShardCommand.RequestOneofCase.LeaseGrant => true,
        _ => false,
    };

    /// <summary>
    /// A put in either branch counts, whichever the compares pick, as etcd's txn cost does. That cost counts
    /// only a txn's own puts, not those of nested txns (verified against etcd 3.4: a nested put applies under
    /// NOSPACE), and GrainKv answers as etcd does.
    /// </summary>
    private static bool HasPut(TxnRequest txn) =>
        txn.Success.Concat(txn.Failure).Any(static op => op.RequestCase == RequestOp.RequestOneofCase.RequestPut);
}
