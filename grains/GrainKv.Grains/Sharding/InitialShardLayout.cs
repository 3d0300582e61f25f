using System.Text;

namespace GrainKv.Grains.Sharding;

/// <summary>
/// The shard map a cluster is bootstrapped with, from its flags: the key space cut at the split keys given
/// (<c>--initial-shard-splits</c>) or evenly over printable key prefixes (<c>--initial-shards</c>), and each shard's
/// replicas on as many different members as <c>--replicas</c> asks (0, the default, and anything above the members
/// there are: every member), shard i's starting at the i-th member so replicas and leaders spread over the silos.
/// Every member computes the same map. Fewer replicas than members are refused for now: a member serves watches and
/// its status from replicas of its own, so each must hold every shard.
/// </summary>
public static class InitialShardLayout
{
    private const byte FirstPrintable = 0x20;
    private const int Printable = 0x7F - FirstPrintable;

    /// <summary>Either argument may be given, not both; the split keys must be non-empty and strictly increasing.</summary>
    public static string? Refusal(int shards, IReadOnlyList<string> splitKeys, int replicas, int members)
    {
        if (shards < 1) return $"--initial-shards must be at least 1 (got {shards})";
        if (shards > Printable * Printable) return $"--initial-shards must be at most {Printable * Printable} (got {shards})";
        if (replicas < 0) return $"--replicas must be 0 (every member) or more (got {replicas})";
        if (replicas != 0 && replicas < members)
        {
            return $"--replicas {replicas} with {members} members is not supported yet: every member holds a replica of every shard (give 0 or at least {members})";
        }
        if (splitKeys.Count == 0) return null;
        if (shards != 1) return "give --initial-shards or --initial-shard-splits, not both";
        for (var i = 0; i < splitKeys.Count; i++)
        {
            if (splitKeys[i].Length == 0) return "--initial-shard-splits holds an empty key";
            if (i > 0 && Encoding.UTF8.GetBytes(splitKeys[i - 1]).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(splitKeys[i])) >= 0)
            {
                return $"--initial-shard-splits must be in increasing key order ('{splitKeys[i - 1]}' comes before '{splitKeys[i]}')";
            }
        }
        return null;
    }

    /// <summary>
    /// The keys that cut the key space into <paramref name="shards"/> even parts by their first two bytes, counting
    /// only printable ASCII (what keys are usually made of): 4 shards start at "", "7g", "OO" and "g7".
    /// </summary>
    public static IReadOnlyList<byte[]> EvenSplits(int shards)
    {
        var splits = new List<byte[]>(shards - 1);
        for (var i = 1; i < shards; i++)
        {
            var position = (long)Printable * Printable * i / shards;
            splits.Add([(byte)(FirstPrintable + position / Printable), (byte)(FirstPrintable + position % Printable)]);
        }
        return splits;
    }

    /// <summary>Shards 1..n cut at <paramref name="splits"/>, their replicas on <paramref name="replicas"/> members each.</summary>
    public static ShardMap Layout(IReadOnlyList<ulong> members, IReadOnlyList<byte[]> splits, int replicas)
    {
        var perShard = replicas == 0 ? members.Count : Math.Min(replicas, members.Count);
        var bounds = new List<byte[]> { Array.Empty<byte>() };
        bounds.AddRange(splits);
        bounds.Add([]);
        return new ShardMap(Enumerable.Range(0, bounds.Count - 1).Select(i => new ShardRange(
            (ulong)i + 1, bounds[i], bounds[i + 1],
            Enumerable.Range(0, perShard).Select(j => members[(i + j) % members.Count]).ToArray())));
    }

    /// <summary>The map the flags describe; <see cref="Refusal"/> first.</summary>
    public static ShardMap FromFlags(IReadOnlyList<ulong> members, int shards, IReadOnlyList<string> splitKeys, int replicas) =>
        Layout(members, splitKeys.Count > 0 ? splitKeys.Select(Encoding.UTF8.GetBytes).ToArray() : EvenSplits(shards), replicas);
}
