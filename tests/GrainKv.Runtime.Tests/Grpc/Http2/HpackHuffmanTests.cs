using System.Text;
using GrainKv.Runtime.Grpc.Http2;

namespace GrainKv.Runtime.Tests.Grpc.Http2;

public sealed class HpackHuffmanTests
{
    public static TheoryData<string, string> Strings => new()
    {
        // text, Huffman encoding: the strings of RFC 7541 C.4 and C.6
        { "www.example.com", "f1e3c2e5f23a6ba0ab90f4ff" },
        { "no-cache", "a8eb10649cbf" },
        { "custom-key", "25a849e95ba97d7f" },
        { "custom-value", "25a849e95bb8e8b4bf" },
        { "302", "6402" },
        { "private", "aec3771a4b" },
        { "Mon, 21 Oct 2013 20:13:21 GMT", "d07abe941054d444a8200595040b8166e082a62d1bff" },
        { "https://www.example.com", "9d29ad171863c78f0b97c8e9ae82ae43d3" },
        { "gzip", "9bd9ab" },
        { "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1", "94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007" },
        { "", "" },
    };

    [Theory, MemberData(nameof(Strings))]
    public void Encode_RfcExample_GivesTheRfcBytes(string text, string hex)
    {
        byte[] value = Encoding.ASCII.GetBytes(text);
        var encoded = new byte[HpackHuffman.EncodedLength(value)];

        HpackHuffman.Encode(value, encoded);

        Assert.Equal(hex, Convert.ToHexStringLower(encoded));
    }

    [Theory, MemberData(nameof(Strings))]
    public void TryDecode_RfcExample_GivesTheText(string text, string hex)
    {
        Assert.True(HpackHuffman.TryDecode(Convert.FromHexString(hex), out byte[] decoded));

        Assert.Equal(text, Encoding.ASCII.GetString(decoded));
    }

    [Theory]
    [InlineData(0, "ffc7")]
    [InlineData(10, "fffffff3")]
    [InlineData(13, "fffffff7")]
    [InlineData(22, "fffffffb")]
    [InlineData(97, "1f")]
    [InlineData(128, "fffe6f")]
    [InlineData(255, "fffffbbf")]
    public void Encode_OneByte_IsItsAppendixBCodePaddedWithOnes(int symbol, string hex)
    {
        var encoded = new byte[HpackHuffman.EncodedLength([(byte)symbol])];

        HpackHuffman.Encode([(byte)symbol], encoded);

        Assert.Equal(hex, Convert.ToHexStringLower(encoded));
    }

    [Fact]
    public void TryDecode_EveryByteValue_RoundTrips()
    {
        byte[] value = [.. Enumerable.Range(0, 256).Select(b => (byte)b), .. "ordinary text"u8];
        var encoded = new byte[HpackHuffman.EncodedLength(value)];
        HpackHuffman.Encode(value, encoded);

        Assert.True(HpackHuffman.TryDecode(encoded, out byte[] decoded));

        Assert.Equal(value, decoded);
    }

    [Theory]
    [InlineData("EOS symbol", "ffffffff")]
    [InlineData("padding of 8 bits", "1fff")]
    [InlineData("padding not all ones", "18")]
    [InlineData("code cut short", "fe")]
    public void TryDecode_Malformed_IsFalse(string name, string hex)
    {
        Assert.False(HpackHuffman.TryDecode(Convert.FromHexString(hex), out _), name);
    }
}
