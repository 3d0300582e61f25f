using System.Buffers.Binary;
using Google.Protobuf;

namespace GrainKv.Bench;

/// <summary>
/// The value of the n-th put of a watch-latency run: n as 8 little-endian bytes, zero-padded to the value size.
/// A watcher learns from an event alone which put it reports, however events and put answers interleave.
/// </summary>
public static class PutNumberValue
{
    public const int MinBytes = sizeof(long);

    public static ByteString Create(int putNumber, int valueBytes)
    {
        var value = new byte[Math.Max(valueBytes, MinBytes)];
        BinaryPrimitives.WriteInt64LittleEndian(value, putNumber);
        return UnsafeByteOperations.UnsafeWrap(value);
    }

    /// <summary>The put number the value carries, or -1 when it is not one of the <paramref name="putTotal"/> puts of the run.</summary>
    public static int Read(ByteString value, int putTotal)
    {
        if (value.Length < MinBytes)
        {
            return -1;
        }

        long putNumber = BinaryPrimitives.ReadInt64LittleEndian(value.Span);
        return putNumber >= 0 && putNumber < putTotal ? (int)putNumber : -1;
    }
}
