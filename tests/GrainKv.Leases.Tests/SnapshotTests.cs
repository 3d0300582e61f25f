namespace GrainKv.Leases.Tests;

public class SnapshotTests
{
    [Fact]
    public void Restore_OfWrittenSnapshot_HasTheSameLeasesTtlsAndKeys()
    {
        var shard = Populated();

        var restored = RoundTrip(shard.Lessor);

        Assert.Equal(shard.Lessor.Leases(), restored.Leases());
        restored.Promote(nowMs: 0, extendMs: 0);
        shard.Lessor.Promote(nowMs: 0, extendMs: 0);
        foreach (var id in shard.Lessor.Leases())
        {
            var expected = shard.Lessor.TimeToLive(id, nowMs: 0).Value;
            var actual = restored.TimeToLive(id, nowMs: 0).Value;
            Assert.Equal(expected.GrantedTtlSeconds, actual.GrantedTtlSeconds);
            Assert.Equal(expected.Keys, actual.Keys);
        }
        Assert.Equal(7, restored.LeaseOf(LeasedShard.B("a")));
        Assert.Equal(0, restored.LeaseOf(LeasedShard.B("free")));
    }

    [Fact]
    public void Restore_OfLeaderSnapshot_ExpiresNothingBeforePromote()
    {
        var shard = Populated();
        shard.Lessor.Promote(nowMs: 0, extendMs: 0);

        var restored = RoundTrip(shard.Lessor);

        Assert.False(restored.IsPrimary);
        Assert.Empty(restored.ExpiredAt(nowMs: 1_000_000, limit: 10));
        restored.Promote(nowMs: 1_000_000, extendMs: 0);
        Assert.Empty(restored.ExpiredAt(nowMs: 1_001_999, limit: 10));
        Assert.Equal([7L], restored.ExpiredAt(nowMs: 1_002_000, limit: 10));
    }

    [Fact]
    public void WriteSnapshot_SameStateReachedInAnotherOrder_WritesTheSameBytes()
    {
        var first = new LeasedShard();
        first.Lessor.Grant(1, 5, nowMs: 0);
        first.Lessor.Grant(2, 5, nowMs: 0);
        first.Put("b", lease: 1);
        first.Put("a", lease: 2);
        var second = new LeasedShard();
        second.Lessor.Grant(2, 5, nowMs: 0);
        second.Lessor.Grant(1, 5, nowMs: 0);
        second.Lessor.Promote(nowMs: 123, extendMs: 0);
        second.Put("a", lease: 1);
        second.Put("a", lease: 2);
        second.Put("b", lease: 1);

        Assert.Equal(Bytes(first.Lessor), Bytes(second.Lessor));
    }

    [Fact]
    public void Restore_StreamWithDataAfterTheSnapshot_StopsAtTheSnapshotEnd()
    {
        var stream = new MemoryStream();
        Populated().Lessor.WriteSnapshot(stream);
        var end = stream.Position;
        stream.WriteByte(42);
        stream.Position = 0;

        Lessor.Restore(stream, minTtlSeconds: 2);

        Assert.Equal(end, stream.Position);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Restore_CorruptSnapshot_ThrowsInvalidData(int corruptedByte)
    {
        var bytes = Bytes(Populated().Lessor);
        bytes[corruptedByte] ^= 0x55;

        Assert.Throws<InvalidDataException>(() => Lessor.Restore(new MemoryStream(bytes), minTtlSeconds: 2));
    }

    private static LeasedShard Populated()
    {
        var shard = new LeasedShard();
        shard.Lessor.Grant(7, 2, nowMs: 0);
        shard.Lessor.Grant(-3, 9_000_000_000, nowMs: 0);
        shard.Lessor.Grant(50, 30, nowMs: 0);
        shard.Put("a", lease: 7);
        shard.Put("b", lease: 7);
        shard.Put("c", lease: -3);
        shard.Put("free");
        return shard;
    }

    private static byte[] Bytes(Lessor lessor)
    {
        var stream = new MemoryStream();
        lessor.WriteSnapshot(stream);
        return stream.ToArray();
    }

    private static Lessor RoundTrip(Lessor lessor) => Lessor.Restore(new MemoryStream(Bytes(lessor)), lessor.MinTtlSeconds);
}
