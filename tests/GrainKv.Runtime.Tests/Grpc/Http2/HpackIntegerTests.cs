using GrainKv.Runtime.Grpc.Http2;

namespace GrainKv.Runtime.Tests.Grpc.Http2;

public sealed class HpackIntegerTests
{
    public static TheoryData<string, int, int, byte, string> Integers => new()
    {
        // name, value, prefix bits, other bits of the first byte, encoding
        { "RFC 7541 C.1.1: 10 in a 5-bit prefix", 10, 5, 0x00, "0a" },
        { "RFC 7541 C.1.2: 1337 in a 5-bit prefix", 1337, 5, 0x00, "1f9a0a" },
        { "RFC 7541 C.1.3: 42 in an 8-bit prefix", 42, 8, 0x00, "2a" },
        { "prefix exactly full", 31, 5, 0x00, "1f00" },
        { "flags kept beside the prefix", 3, 7, 0x80, "83" },
        { "int.MaxValue in a 4-bit prefix", int.MaxValue, 4, 0x10, "1ff0ffffff07" },
    };

    [Theory, MemberData(nameof(Integers))]
    public void Write_Value_GivesTheRfcEncoding(string name, int value, int prefixBits, byte flags, string hex)
    {
        Span<byte> destination = stackalloc byte[HpackInteger.BytesMax];

        int written = HpackInteger.Write(value, prefixBits, flags, destination);

        Assert.True(hex == Convert.ToHexStringLower(destination[..written]), name);
    }

    /// <summary>The rows of <see cref="Integers"/> without the flags, which the reader leaves to its caller.</summary>
    public static IEnumerable<object[]> Encodings => Integers.Select(row => new[] { row[0], row[1], row[2], row[4] });

    [Theory, MemberData(nameof(Encodings))]
    public void TryRead_Encoding_GivesTheValueAndMovesPastIt(string name, int value, int prefixBits, string hex)
    {
        byte[] encoded = Convert.FromHexString(hex + "ee");
        int position = 0;

        Assert.True(HpackInteger.TryRead(encoded, prefixBits, ref position, out int read), name);

        Assert.Equal(value, read);
        Assert.Equal(encoded.Length - 1, position);
    }

    [Theory]
    [InlineData("continuation missing", "1f")]
    [InlineData("continuation cut short", "1f9a")]
    [InlineData("over int.MaxValue", "1ff1ffffff07")]
    [InlineData("more than five continuation bytes", "1f808080808000")]
    public void TryRead_MalformedEncoding_IsFalse(string name, string hex)
    {
        int position = 0;

        Assert.False(HpackInteger.TryRead(Convert.FromHexString(hex), 5, ref position, out _), name);
    }
}
