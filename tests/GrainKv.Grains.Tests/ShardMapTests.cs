using GrainKv.Grains.Sharding;

namespace GrainKv.Grains.Tests;

public sealed class ShardMapTests
{
    private static byte[] K(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static readonly ShardMap ThreeShards = new(
    [
        new ShardRange(1, [], K("g"), [1]),
        new ShardRange(2, K("g"), K("p"), [1]),
        new ShardRange(3, K("p"), [], [1]),
    ]);

    [Theory]
    [InlineData("", 1UL)]
    [InlineData("a", 1UL)]
    [InlineData("fzzz", 1UL)]
    [InlineData("g", 2UL)]
    [InlineData("o\u00ff", 2UL)]
    [InlineData("p", 3UL)]
    [InlineData("zzz", 3UL)]
    public void ShardFor_Key_IsTheShardWhoseRangeHoldsIt(string key, ulong shard) =>
        Assert.Equal(shard, ThreeShards.ShardFor(K(key)));

    [Theory]
    [InlineData("a", "", new ulong[] { 1 })]
    [InlineData("a", "b", new ulong[] { 1 })]
    [InlineData("a", "g", new ulong[] { 1 })]
    [InlineData("a", "g\0", new ulong[] { 1, 2 })]
    [InlineData("h", "q", new ulong[] { 2, 3 })]
    [InlineData("a", "\0", new ulong[] { 1, 2, 3 })]
    [InlineData("q", "\0", new ulong[] { 3 })]
    [InlineData("q", "b", new ulong[] { 3 })]
    public void ShardsFor_Interval_AreTheShardsItOverlaps(string key, string rangeEnd, ulong[] shards) =>
        Assert.Equal(shards, ThreeShards.ShardsFor(K(key), K(rangeEnd)));

    [Fact]
    public void OneShard_OwnsEveryKey_WithTheGivenReplicas()
    {
        var map = ShardMap.OneShard([7, 8, 9]);
        Assert.Equal([1UL], map.ShardsFor(K("\0"), K("\0")));
        Assert.Equal([7UL, 8UL, 9UL], map[1].Replicas);
    }

    [Fact]
    public void Constructor_Gap_Throws() =>
        Assert.Throws<ArgumentException>(() => new ShardMap([new ShardRange(1, [], K("g"), [1]), new ShardRange(2, K("h"), [], [1])]));

    [Fact]
    public void Constructor_NotCoveringTheStart_Throws() =>
        Assert.Throws<ArgumentException>(() => new ShardMap([new ShardRange(1, K("a"), [], [1])]));
}
