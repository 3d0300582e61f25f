using Etcdserverpb;
using Mvccpb;

namespace GrainKv.Mvcc;

/// <summary>Txn compare predicates against the latest state (etcd applier applyCompare / compareKV).</summary>
internal static class TxnCompare
{
    private static readonly KeyValue Absent = new();

    public static bool AllHold(KeyTree<KeyHistory> index, IReadOnlyList<Compare> compares)
    {
        for (var i = 0; i < compares.Count; i++)
        {
            if (!Holds(index, compares[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Every live key in the range must satisfy the predicate. With none, VALUE is false (a missing
    /// value cannot be told from an empty one) and the other targets compare a zero KeyValue.
    /// </summary>
    public static bool Holds(KeyTree<KeyHistory> index, Compare compare)
    {
        var range = KeyRange.Of(compare.Key, compare.RangeEnd);
        var matched = false;
        if (range.IsSingleKey)
        {
            if (index.Find(range.Key.Span)?.Latest is { } kv)
            {
                if (!Satisfies(compare, kv))
                {
                    return false;
                }
                matched = true;
            }
        }
        else
        {
            for (var cursor = index.Seek(range.Key.Span); cursor.IsValid && range.IsBeforeEnd(cursor.Key.Span); cursor.MoveNext())
            {
                if (cursor.Value.Latest is not { } kv)
                {
                    continue;
                }
                if (!Satisfies(compare, kv))
                {
                    return false;
                }
                matched = true;
            }
        }
        return matched || (compare.Target != Compare.Types.CompareTarget.Value && Satisfies(compare, Absent));
    }

    /// <summary>The key's field is on the left; a target_union of another kind compares as 0 (empty bytes for VALUE).</summary>
    public static bool Satisfies(Compare compare, KeyValue kv)
    {
        var order = compare.Target switch
        {
            Compare.Types.CompareTarget.Value => kv.Value.Span.SequenceCompareTo(
                compare.TargetUnionCase == Compare.TargetUnionOneofCase.Value ? compare.Value.Span : []),
            Compare.Types.CompareTarget.Create => kv.CreateRevision.CompareTo(
                compare.TargetUnionCase == Compare.TargetUnionOneofCase.CreateRevision ? compare.CreateRevision : 0),
            Compare.Types.CompareTarget.Mod => kv.ModRevision.CompareTo(
                compare.TargetUnionCase == Compare.TargetUnionOneofCase.ModRevision ? compare.ModRevision : 0),
            Compare.Types.CompareTarget.Version => kv.Version.CompareTo(
                compare.TargetUnionCase == Compare.TargetUnionOneofCase.Version ? compare.Version : 0),
            Compare.Types.CompareTarget.Lease => kv.Lease.CompareTo(
                compare.TargetUnionCase == Compare.TargetUnionOneofCase.Lease ? compare.Lease : 0),
            _ => 0,
        };
        return compare.Result switch
        {
            Compare.Types.CompareResult.Equal => order == 0,
            Compare.Types.CompareResult.NotEqual => order != 0,
            Compare.Types.CompareResult.Greater => order > 0,
            Compare.Types.CompareResult.Less => order < 0,
            _ => true,
        };
    }
}
