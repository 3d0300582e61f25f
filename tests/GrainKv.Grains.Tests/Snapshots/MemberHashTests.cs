using GrainKv.Gateway.Snapshots;

namespace GrainKv.Grains.Tests.Snapshots;

public sealed class MemberHashTests
{
    /// <summary>Expected values from Python's zlib.crc32 over the documented little-endian (u64 shard id, u32 state hash) pairs.</summary>
    [Theory]
    [InlineData(0x3837_3635_3433_3231UL, 0x6362_6139u, 0, 0u, 0xbdb0_c0e4u)] // the bytes "123456789abc"
    [InlineData(1UL, 0xdead_beefu, 2UL, 7u, 0x7de6_bec0u)]
    public void Of_Shards_IsTheCrc32OfTheirIdsAndStateHashes(ulong firstShard, uint firstHash, ulong secondShard, uint secondHash, uint expected)
    {
        List<(ulong, uint)> shards = [(firstShard, firstHash)];
        if (secondShard != 0) shards.Add((secondShard, secondHash));

        Assert.Equal(expected, MemberHash.Of(shards));
    }

    [Fact]
    public void Of_OneStateHashDiffers_Differs()
    {
        Assert.NotEqual(MemberHash.Of([(1UL, 5u)]), MemberHash.Of([(1UL, 6u)]));
    }
}
