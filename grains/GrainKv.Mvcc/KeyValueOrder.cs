using Etcdserverpb;
using Mvccpb;

namespace GrainKv.Mvcc;

/// <summary>
/// Range sort orders. Ties keep key-ascending order in both directions, which is what etcd's sort
/// produces for small results (insertion sort is stable) and keeps replicas deterministic.
/// </summary>
public static class KeyValueOrder
{
    public static void Sort(List<KeyValue> kvs, RangeRequest.Types.SortTarget target, bool descending)
    {
        Comparison<KeyValue> byTarget = target switch
        {
            RangeRequest.Types.SortTarget.Version => static (a, b) => a.Version.CompareTo(b.Version),
            RangeRequest.Types.SortTarget.Create => static (a, b) => a.CreateRevision.CompareTo(b.CreateRevision),
            RangeRequest.Types.SortTarget.Mod => static (a, b) => a.ModRevision.CompareTo(b.ModRevision),
            RangeRequest.Types.SortTarget.Value => static (a, b) => a.Value.Span.SequenceCompareTo(b.Value.Span),
            _ => static (a, b) => a.Key.Span.SequenceCompareTo(b.Key.Span),
        };
        kvs.Sort(descending
            ? (a, b) => ThenByKey(-byTarget(a, b), a, b)
            : (a, b) => ThenByKey(byTarget(a, b), a, b));
    }

    private static int ThenByKey(int byTarget, KeyValue a, KeyValue b) =>
        byTarget != 0 ? byTarget : a.Key.Span.SequenceCompareTo(b.Key.Span);
}
