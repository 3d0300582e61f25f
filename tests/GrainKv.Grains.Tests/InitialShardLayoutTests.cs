using System.Text;
using GrainKv.Grains.Sharding;

namespace GrainKv.Grains.Tests;

/// <summary>The shard map a cluster is bootstrapped with: --initial-shards, --initial-shard-splits and --replicas.</summary>
public sealed class InitialShardLayoutTests
{
    private static readonly ulong[] ThreeMembers = [11, 22, 33];

    [Fact]
    public void EvenSplits_FourShards_CutThePrintablePrefixesInQuarters()
    {
        var splits = InitialShardLayout.EvenSplits(4).Select(Encoding.ASCII.GetString);

        Assert.Equal(["7g", "OO", "g7"], splits);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(9025)]
    public void EvenSplits_AnyCount_AreStrictlyIncreasingPrintableKeys(int shards)
    {
        var splits = InitialShardLayout.EvenSplits(shards);

        Assert.Equal(shards - 1, splits.Count);
        Assert.All(splits, key => Assert.All(key, b => Assert.InRange(b, (byte)0x20, (byte)0x7E)));
        Assert.All(splits.Zip(splits.Skip(1)), pair => Assert.True(pair.First.AsSpan().SequenceCompareTo(pair.Second) < 0));
    }

    [Fact]
    public void Layout_FourShardsOnThreeMembers_CoversTheKeySpaceWithThreeDistinctReplicasEach_FirstReplicasSpread()
    {
        var map = InitialShardLayout.FromFlags(ThreeMembers, shards: 4, splitKeys: [], replicas: 3);

        Assert.Equal([1UL, 2, 3, 4], map.Ranges.Select(r => r.ShardId));
        Assert.All(map.Ranges, r => Assert.Equal(ThreeMembers.Order(), r.Replicas.Order()));
        Assert.Equal([11UL, 22, 33, 11], map.Ranges.Select(r => r.Replicas[0]));
        Assert.Equal(1UL, map.ShardFor("0"u8));
        Assert.Equal(2UL, map.ShardFor("B"u8));
        Assert.Equal(3UL, map.ShardFor("a"u8));
        Assert.Equal(4UL, map.ShardFor("z"u8));
        Assert.True(map.HasSeveralShards);
    }

    [Fact]
    public void Layout_FewerReplicasThanMembers_PutsEachShardOnConsecutiveMembers()
    {
        var map = InitialShardLayout.FromFlags(ThreeMembers, shards: 3, splitKeys: [], replicas: 2);

        Assert.Equal([[11UL, 22], [22UL, 33], [33UL, 11]], map.Ranges.Select(r => r.Replicas.ToArray()));
    }

    [Fact]
    public void Layout_MoreReplicasThanMembers_IsCappedByTheMembers()
    {
        var map = InitialShardLayout.FromFlags([7], shards: 1, splitKeys: [], replicas: 3);

        Assert.False(map.HasSeveralShards);
        Assert.Equal([7UL], Assert.Single(map.Ranges).Replicas);
    }

    [Fact]
    public void Layout_SplitKeys_CutTheKeySpaceThere()
    {
        var map = InitialShardLayout.FromFlags(ThreeMembers, shards: 1, splitKeys: ["m", "t"], replicas: 3);

        Assert.Equal(["", "m", "t"], map.Ranges.Select(r => Encoding.UTF8.GetString(r.Start)));
        Assert.Equal(["m", "t", ""], map.Ranges.Select(r => Encoding.UTF8.GetString(r.End)));
    }

    [Theory]
    [InlineData(0, "", 3, "--initial-shards must be at least 1 (got 0)")]
    [InlineData(1, "", -1, "--replicas must be 0 (every member) or more (got -1)")]
    [InlineData(1, "", 2, "--replicas 2 with 3 members is not supported yet: every member holds a replica of every shard (give 0 or at least 3)")]
    [InlineData(2, "m", 3, "give --initial-shards or --initial-shard-splits, not both")]
    [InlineData(1, "t,m", 3, "--initial-shard-splits must be in increasing key order ('t' comes before 'm')")]
    [InlineData(1, "m,m", 3, "--initial-shard-splits must be in increasing key order ('m' comes before 'm')")]
    [InlineData(1, "m,", 3, "--initial-shard-splits holds an empty key")]
    public void Refusal_InconsistentFlags_SaysWhy(int shards, string splits, int replicas, string refusal) =>
        Assert.Equal(refusal, InitialShardLayout.Refusal(shards, splits.Length == 0 ? [] : splits.Split(','), replicas, members: 3));

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    public void Refusal_ConsistentFlags_IsNone(int replicas) =>
        Assert.Null(InitialShardLayout.Refusal(1, ["a", "b"], replicas, members: 3));

    [Fact]
    public void Layout_ZeroReplicas_PutsAReplicaOfEveryShardOnEveryMember()
    {
        var map = InitialShardLayout.FromFlags(ThreeMembers, shards: 2, splitKeys: [], replicas: 0);

        Assert.All(map.Ranges, r => Assert.Equal(ThreeMembers.Order(), r.Replicas.Order()));
    }

    [Fact]
    public void Record_RoundTrips_AndSameLayoutComparesRangesAndReplicas()
    {
        var map = InitialShardLayout.FromFlags(ThreeMembers, shards: 4, splitKeys: [], replicas: 2);

        var back = ShardMap.FromRecord(map.ToRecord());

        Assert.Equal(map.Version, back.Version);
        Assert.True(back.SameLayoutAs(map));
        Assert.False(back.SameLayoutAs(InitialShardLayout.FromFlags(ThreeMembers, shards: 4, splitKeys: [], replicas: 3)));
        Assert.False(back.SameLayoutAs(InitialShardLayout.FromFlags(ThreeMembers, shards: 3, splitKeys: [], replicas: 2)));
    }
}
