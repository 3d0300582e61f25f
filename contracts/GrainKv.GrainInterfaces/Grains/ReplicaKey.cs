using System.Globalization;

namespace GrainKv.Grains;

/// <summary>The grain key of a replica: which shard, and which peer of that shard's group.</summary>
public readonly record struct ReplicaKey(ulong ShardId, ulong ReplicaId)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ShardId}/{ReplicaId}");

    public static ReplicaKey Parse(string key)
    {
        var slash = key.IndexOf('/');
        if (slash <= 0) throw new FormatException($"Not a replica key: '{key}'.");
        return new ReplicaKey(
            ulong.Parse(key.AsSpan(0, slash), CultureInfo.InvariantCulture),
            ulong.Parse(key.AsSpan(slash + 1), CultureInfo.InvariantCulture));
    }
}
