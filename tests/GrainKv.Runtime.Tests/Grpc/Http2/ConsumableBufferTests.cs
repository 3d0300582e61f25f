using System.Buffers;
using GrainKv.Runtime.Grpc.Http2;

namespace GrainKv.Runtime.Tests.Grpc.Http2;

public sealed class ConsumableBufferTests
{
    private static byte[] Bytes(int count, int seed) => Enumerable.Range(seed, count).Select(i => (byte)(i * 31)).ToArray();

    [Theory]
    [InlineData(10_000)]
    [InlineData(4096)]
    [InlineData(70_000)]
    public void Write_MoreThanTheArrayHolds_GrowsAndKeepsEveryByte(int count)
    {
        var buffer = new ConsumableBuffer();
        var first = Bytes(100, 0);
        var second = Bytes(count, 7);

        buffer.Write(first);
        buffer.Write(second);

        Assert.Equal([.. first, .. second], buffer.Unconsumed.ToArray());
    }

    [Fact]
    public void GetSpan_LargerThanTheRoomLeft_ReturnsThatMuchOfTheNewArray()
    {
        var buffer = new ConsumableBuffer();
        buffer.Write(Bytes(4000, 0));

        var span = buffer.GetSpan(5000);
        Bytes(5000, 3).CopyTo(span);
        buffer.Advance(5000);

        Assert.True(span.Length >= 5000);
        Assert.Equal([.. Bytes(4000, 0), .. Bytes(5000, 3)], buffer.Unconsumed.ToArray());
    }

    [Fact]
    public void Consume_ThenWrite_KeepsOnlyTheUnconsumedBytesInOrder()
    {
        var buffer = new ConsumableBuffer();
        buffer.Write(Bytes(3000, 0));
        buffer.Consume(2000);

        buffer.Write(Bytes(3000, 5));

        Assert.Equal([.. Bytes(3000, 0)[2000..], .. Bytes(3000, 5)], buffer.Unconsumed.ToArray());
    }
}
