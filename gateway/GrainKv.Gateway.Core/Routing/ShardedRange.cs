using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Sharding;
using GrainKv.Mvcc;
using Mvccpb;

namespace GrainKv.Gateway.Routing;

/// <summary>
/// A range over several shards: the request cut to the keys each shard owns, every part read at one revision, and
/// the answers merged into what one store holding every key would have answered (count over all shards, the limit
/// and sort over all of them, more when any keys were left out).
/// </summary>
public static class ShardedRange
{
    /// <summary>
    /// etcd's quirk, which one shard keeps: asked to sort by something other than the key with no sort order, it
    /// fetches only the first limit+1 keys in key order and sorts those. Across shards, the parts give their first
    /// limit+1 keys in key order, and the merge sorts the first limit+1 of all.
    /// </summary>
    private static bool SortsFirstKeysOnly(RangeRequest request) =>
        request.SortOrder == RangeRequest.Types.SortOrder.None && request.SortTarget != RangeRequest.Types.SortTarget.Key &&
        request.Limit > 0 && request.Limit < long.MaxValue && !request.CountOnly &&
        request.MinModRevision == 0 && request.MaxModRevision == 0 && request.MinCreateRevision == 0 && request.MaxCreateRevision == 0;

    public static IReadOnlyList<(ulong ShardId, RangeRequest Part)> Split(RangeRequest request, ShardMap map)
    {
        var toEnd = request.RangeEnd.Length == 1 && request.RangeEnd[0] == 0;
        var parts = new List<(ulong, RangeRequest)>();
        foreach (var shardId in map.ShardsFor(request.Key.Span, request.RangeEnd.Span))
        {
            var shard = map[shardId];
            var part = request.Clone();
            if (shard.Start.AsSpan().SequenceCompareTo(request.Key.Span) > 0) part.Key = ByteString.CopyFrom(shard.Start);
            var endsBefore = shard.End.Length != 0 && (toEnd || shard.End.AsSpan().SequenceCompareTo(request.RangeEnd.Span) < 0);
            if (endsBefore) part.RangeEnd = ByteString.CopyFrom(shard.End);
            if (SortsFirstKeysOnly(request))
            {
                part.SortTarget = RangeRequest.Types.SortTarget.Key;
                part.Limit = request.Limit + 1;
            }
            // Values are what the merge sorts by: the parts carry them, and the merge drops them after.
            if (request.SortTarget == RangeRequest.Types.SortTarget.Value) part.KeysOnly = false;
            parts.Add((shardId, part));
        }
        return parts;
    }

    /// <param name="answers">Each part's answer, in the order of <see cref="Split"/> (key order).</param>
    public static RangeResponse Merge(RangeRequest request, IReadOnlyList<RangeResponse> answers, long revision)
    {
        var kvs = new List<KeyValue>();
        var response = new RangeResponse { Header = new ResponseHeader { Revision = revision } };
        foreach (var answer in answers)
        {
            response.Count += answer.Count;
            response.More |= answer.More;
            kvs.AddRange(answer.Kvs);
        }
        var sortOrder = request.SortOrder;
        if (sortOrder == RangeRequest.Types.SortOrder.None && request.SortTarget != RangeRequest.Types.SortTarget.Key)
        {
            sortOrder = RangeRequest.Types.SortOrder.Ascend;
        }
        if (SortsFirstKeysOnly(request) && kvs.Count > request.Limit + 1) kvs.RemoveRange((int)request.Limit + 1, kvs.Count - (int)request.Limit - 1);
        if (sortOrder is RangeRequest.Types.SortOrder.Ascend or RangeRequest.Types.SortOrder.Descend)
        {
            KeyValueOrder.Sort(kvs, request.SortTarget, sortOrder == RangeRequest.Types.SortOrder.Descend);
        }
        var returned = kvs.Count;
        if (request.Limit > 0 && returned > request.Limit)
        {
            returned = (int)request.Limit;
            response.More = true;
        }
        foreach (var kv in kvs.Take(returned))
        {
            if (request.KeysOnly && !kv.Value.IsEmpty) kv.Value = ByteString.Empty;
            response.Kvs.Add(kv);
        }
        return response;
    }
}
