using Google.Protobuf;
using GrainKv.Group0.Protocol;

namespace GrainKv.Grains.Sharding;

/// <summary>
/// Which shard owns which keys: contiguous ranges that together cover the whole key space, in
/// key order, each version of it a plain value: group 0 holds the current one.
/// </summary>
public sealed class ShardMap
{
    private readonly ShardRange[] _ranges;

    public ShardMap(IEnumerable<ShardRange> ranges, ulong version = 1)
    {
        Version = version;
        _ranges = ranges.ToArray();
        if (_ranges.Length == 0 || _ranges[0].Start.Length != 0 || _ranges[^1].End.Length != 0)
        {
            throw new ArgumentException("A shard map must cover the key space from the empty key to the end.");
        }
        for (var i = 1; i < _ranges.Length; i++)
        {
            if (!_ranges[i - 1].End.AsSpan().SequenceEqual(_ranges[i].Start))
            {
                throw new ArgumentException($"Shard {_ranges[i].ShardId} does not start where shard {_ranges[i - 1].ShardId} ends.");
            }
        }
    }

    /// <summary>One shard, id 1, owns every key; each of <paramref name="replicas"/> holds a replica of it.</summary>
    public static ShardMap OneShard(IReadOnlyList<ulong> replicas) => new([new ShardRange(1, [], [], replicas)]);

    /// <summary>Each change of the map makes a new version; the first is 1.</summary>
    public ulong Version { get; }

    /// <summary>
    /// Whether writes take their revisions from group 0's revision oracle: with several shards they do; one shard
    /// counts its own, +1 per write, exactly as etcd.
    /// </summary>
    public bool HasSeveralShards => _ranges.Length > 1;

    public ShardMapRecord ToRecord()
    {
        var record = new ShardMapRecord { Version = Version };
        foreach (var range in _ranges)
        {
            var shard = new ShardRecord { Id = range.ShardId, Start = ByteString.CopyFrom(range.Start), End = ByteString.CopyFrom(range.End) };
            shard.Replicas.AddRange(range.Replicas);
            record.Shards.Add(shard);
        }
        return record;
    }

    public static ShardMap FromRecord(ShardMapRecord record) =>
        new(record.Shards.Select(s => new ShardRange(s.Id, s.Start.ToByteArray(), s.End.ToByteArray(), s.Replicas.ToArray())), record.Version);

    /// <summary>Same shards, ranges and replicas (the version aside).</summary>
    public bool SameLayoutAs(ShardMap other) =>
        _ranges.Length == other._ranges.Length && _ranges.Zip(other._ranges).All(pair =>
            pair.First.ShardId == pair.Second.ShardId && pair.First.Start.AsSpan().SequenceEqual(pair.Second.Start) &&
            pair.First.End.AsSpan().SequenceEqual(pair.Second.End) && pair.First.Replicas.SequenceEqual(pair.Second.Replicas));

    public ShardRange this[ulong shardId] => _ranges.First(r => r.ShardId == shardId);

    /// <summary>
    /// The shard that holds what belongs to the cluster rather than to a key (leases, alarms), and whose Raft group
    /// answers for a member as a whole (its status, hash and leadership in Maintenance): the first.
    /// </summary>
    public ulong ClusterStateShard => _ranges[0].ShardId;

    public IReadOnlyList<ShardRange> Ranges => _ranges;

    public ulong ShardFor(ReadOnlySpan<byte> key)
    {
        var lo = 0;
        var hi = _ranges.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (key.SequenceCompareTo(_ranges[mid].Start) >= 0) lo = mid; else hi = mid - 1;
        }
        return _ranges[lo].ShardId;
    }

    /// <summary>
    /// The shards that hold any key of etcd's interval [key, rangeEnd): an empty rangeEnd is the
    /// single key, "\0" means every key from key on.
    /// </summary>
    public IReadOnlyList<ulong> ShardsFor(ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd)
    {
        if (rangeEnd.IsEmpty) return [ShardFor(key)];
        var toEnd = rangeEnd.Length == 1 && rangeEnd[0] == 0;
        if (!toEnd && rangeEnd.SequenceCompareTo(key) <= 0) return [ShardFor(key)];
        var shards = new List<ulong>();
        foreach (var range in _ranges)
        {
            var startsBeforeEnd = toEnd || range.Start.AsSpan().SequenceCompareTo(rangeEnd) < 0;
            var endsAfterKey = range.End.Length == 0 || range.End.AsSpan().SequenceCompareTo(key) > 0;
            if (startsBeforeEnd && endsAfterKey) shards.Add(range.ShardId);
        }
        return shards;
    }
}
