using Etcdserverpb;

namespace GrainKv.Mvcc;

/// <summary>
/// Applies a txn the way etcd's applier does: every compare, nested ones included, is decided against
/// the state before the txn; then the chosen ops are checked (puts first, then ranges) so that a txn
/// that fails changes nothing; then the ops run in order, each seeing the earlier ones, all under one
/// new revision with sub-revisions in op order.
/// </summary>
internal static class TxnExecution
{
    public static KvResult<TxnResponse> Run(MvccStore store, TxnRequest request)
    {
        var branches = new List<bool>();
        ChooseBranches(store, request, branches);
        var position = 0;
        var error = CheckPuts(store, request, branches, ref position);
        if (error != KvError.None)
        {
            return error;
        }
        position = 0;
        error = CheckRanges(store, request, branches, ref position);
        if (error != KvError.None)
        {
            return error;
        }
        position = 0;
        var response = Apply(store, request, branches, ref position);
        store.CommitWrite();
        response.Header.Revision = store.Revision;
        return response;
    }

    /// <summary>Records the branch of this txn and of every nested txn on the chosen path, in pre-order.</summary>
    private static void ChooseBranches(MvccStore store, TxnRequest txn, List<bool> branches)
    {
        var succeeded = TxnCompare.AllHold(store.Index, txn.Compare);
        branches.Add(succeeded);
        foreach (var op in succeeded ? txn.Success : txn.Failure)
        {
            if (op.RequestCase == RequestOp.RequestOneofCase.RequestTxn)
            {
                ChooseBranches(store, op.RequestTxn, branches);
            }
        }
    }

    private static KvError CheckPuts(MvccStore store, TxnRequest txn, List<bool> branches, ref int position)
    {
        foreach (var op in branches[position++] ? txn.Success : txn.Failure)
        {
            var error = op.RequestCase switch
            {
                RequestOp.RequestOneofCase.RequestTxn => CheckPuts(store, op.RequestTxn, branches, ref position),
                RequestOp.RequestOneofCase.RequestPut => CheckPut(store, op.RequestPut),
                _ => KvError.None,
            };
            if (error != KvError.None)
            {
                return error;
            }
        }
        return KvError.None;
    }

    /// <summary>Inside a txn etcd checks ignore_* before the lease (the order differs from a plain Put).</summary>
    private static KvError CheckPut(MvccStore store, PutRequest put)
    {
        if ((put.IgnoreValue || put.IgnoreLease) && store.Latest(put.Key) is null)
        {
            return KvError.KeyNotFound;
        }
        return put.Lease != 0 && !store.Leases.Exists(put.Lease) ? KvError.LeaseNotFound : KvError.None;
    }

    private static KvError CheckRanges(MvccStore store, TxnRequest txn, List<bool> branches, ref int position)
    {
        foreach (var op in branches[position++] ? txn.Success : txn.Failure)
        {
            var error = op.RequestCase switch
            {
                RequestOp.RequestOneofCase.RequestTxn => CheckRanges(store, op.RequestTxn, branches, ref position),
                RequestOp.RequestOneofCase.RequestRange => CheckRange(store, op.RequestRange),
                _ => KvError.None,
            };
            if (error != KvError.None)
            {
                return error;
            }
        }
        return KvError.None;
    }

    /// <summary>etcd checkRequestRange: unlike a plain Range, a negative revision below the compact revision fails.</summary>
    private static KvError CheckRange(MvccStore store, RangeRequest range) => range.Revision switch
    {
        0 => KvError.None,
        var revision when revision > store.Revision => KvError.FutureRevision,
        var revision when revision < store.CompactRevision => KvError.Compacted,
        _ => KvError.None,
    };

    /// <summary>A nested txn's own header stays empty (revision 0), as etcd 3.4 sends it (verified).</summary>
    private static TxnResponse Apply(MvccStore store, TxnRequest txn, List<bool> branches, ref int position)
    {
        var succeeded = branches[position++];
        var response = new TxnResponse { Header = new ResponseHeader(), Succeeded = succeeded };
        foreach (var op in succeeded ? txn.Success : txn.Failure)
        {
            response.Responses.Add(op.RequestCase switch
            {
                RequestOp.RequestOneofCase.RequestRange => new ResponseOp { ResponseRange = store.ReadRange(op.RequestRange).Value },
                RequestOp.RequestOneofCase.RequestPut => new ResponseOp { ResponsePut = store.WritePut(op.RequestPut) },
                RequestOp.RequestOneofCase.RequestDeleteRange => new ResponseOp { ResponseDeleteRange = store.WriteDeleteRange(op.RequestDeleteRange) },
                RequestOp.RequestOneofCase.RequestTxn => new ResponseOp { ResponseTxn = Apply(store, op.RequestTxn, branches, ref position) },
                _ => new ResponseOp(),
            });
        }
        return response;
    }
}
