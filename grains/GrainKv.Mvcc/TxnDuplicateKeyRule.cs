using Etcdserverpb;
using Google.Protobuf;

namespace GrainKv.Mvcc;

/// <summary>
/// etcd's rule against ambiguous writes in one txn branch (v3rpc checkIntervals): a key may be put at
/// most once per level, not inside a delete of its own or an enclosing level, and not by two nested
/// txns — except by the then and else branches of one nested txn, since only one of them runs.
/// Overlapping deletes are allowed.
/// </summary>
internal static class TxnDuplicateKeyRule
{
    public static KvError Check(IReadOnlyList<RequestOp> ops) => Check(ops, out _, out _);

    private static KvError Check(IReadOnlyList<RequestOp> ops, out HashSet<ByteString> puts, out List<DeleteInterval> deletes)
    {
        puts = [];
        deletes = [];
        foreach (var op in ops)
        {
            if (op.RequestCase == RequestOp.RequestOneofCase.RequestDeleteRange)
            {
                deletes.Add(DeleteInterval.Of(op.RequestDeleteRange));
            }
        }
        foreach (var op in ops)
        {
            if (op.RequestCase != RequestOp.RequestOneofCase.RequestTxn)
            {
                continue;
            }
            var error = Check(op.RequestTxn.Success, out var putsThen, out var deletesThen);
            if (error != KvError.None)
            {
                return error;
            }
            error = Check(op.RequestTxn.Failure, out var putsElse, out var deletesElse);
            if (error != KvError.None)
            {
                return error;
            }
            foreach (var key in putsThen)
            {
                if (!puts.Add(key) || IsDeleted(deletes, key))
                {
                    return KvError.DuplicateKey;
                }
            }
            foreach (var key in putsElse)
            {
                if ((puts.Contains(key) && !putsThen.Contains(key)) || IsDeleted(deletes, key))
                {
                    return KvError.DuplicateKey;
                }
                puts.Add(key);
            }
            deletes.AddRange(deletesThen);
            deletes.AddRange(deletesElse);
        }
        foreach (var op in ops)
        {
            if (op.RequestCase != RequestOp.RequestOneofCase.RequestPut)
            {
                continue;
            }
            var key = op.RequestPut.Key;
            if (!puts.Add(key) || IsDeleted(deletes, key))
            {
                return KvError.DuplicateKey;
            }
        }
        return KvError.None;
    }

    private static bool IsDeleted(List<DeleteInterval> deletes, ByteString key)
    {
        foreach (var interval in deletes)
        {
            if (interval.Contains(key.Span))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// [Begin, End) as etcd's interval tree sees a delete. A from-key delete (range_end "\0") becomes
    /// [key, "\0"), which is empty, so it collides with no put: etcd 3.4 accepts "delete from a; put b"
    /// in one branch (verified against etcd 3.4.23).
    /// </summary>
    private readonly record struct DeleteInterval(ByteString Begin, ByteString? End)
    {
        public static DeleteInterval Of(DeleteRangeRequest delete) =>
            new(delete.Key, delete.RangeEnd.IsEmpty ? null : delete.RangeEnd);

        public bool Contains(ReadOnlySpan<byte> key) =>
            End is null ? key.SequenceEqual(Begin.Span) : Begin.Span.SequenceCompareTo(key) <= 0 && key.SequenceCompareTo(End.Span) < 0;
    }
}
