namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// HPACK's integer representation (RFC 7541 §5.1): an N-bit prefix in the first byte, continued in 7-bit groups,
/// least significant first, while the prefix is all ones.
/// </summary>
internal static class HpackInteger
{
    /// <summary>The most bytes an int takes: the prefix byte and five 7-bit groups.</summary>
    public const int BytesMax = 6;

    /// <summary>
    /// Reads the integer whose prefix byte is at <paramref name="position"/> and moves past it; false if it runs past the
    /// end of <paramref name="source"/> or beyond <see cref="int.MaxValue"/>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, int prefixBits, ref int position, out int value)
    {
        int prefixMax = (1 << prefixBits) - 1;
        value = source[position++] & prefixMax;
        if (value < prefixMax)
        {
            return true;
        }

        long sum = value;
        for (int shift = 0; shift <= 28; shift += 7)
        {
            if (position == source.Length)
            {
                return false;
            }

            byte group = source[position++];
            sum += (long)(group & 0x7F) << shift;
            if (sum > int.MaxValue)
            {
                return false;
            }

            if ((group & 0x80) == 0)
            {
                value = (int)sum;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Writes <paramref name="value"/> with <paramref name="prefixBits"/> bits in the first byte, whose other bits are
    /// <paramref name="firstByteFlags"/>; returns the bytes written (at most <see cref="BytesMax"/>).
    /// </summary>
    public static int Write(int value, int prefixBits, byte firstByteFlags, Span<byte> destination)
    {
        int prefixMax = (1 << prefixBits) - 1;
        if (value < prefixMax)
        {
            destination[0] = (byte)(firstByteFlags | value);
            return 1;
        }

        destination[0] = (byte)(firstByteFlags | prefixMax);
        int written = 1;
        uint rest = (uint)(value - prefixMax);
        while (rest >= 0x80)
        {
            destination[written++] = (byte)(rest | 0x80);
            rest >>= 7;
        }

        destination[written++] = (byte)rest;
        return written;
    }
}
