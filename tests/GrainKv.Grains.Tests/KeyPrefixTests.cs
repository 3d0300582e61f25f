using Google.Protobuf;

namespace GrainKv.Grains.Tests;

public sealed class KeyPrefixTests
{
    private static ByteString Hex(string hex) => ByteString.CopyFrom(Convert.FromHexString(hex));

    [Theory]
    [InlineData("612f", "6130")]
    [InlineData("61ff", "62")]
    [InlineData("61feff", "61ff")]
    [InlineData("ffff", "00")]
    [InlineData("", "00")]
    public void RangeEnd_IsTheFirstKeyPastEveryKeyWithThePrefix(string prefix, string end) =>
        Assert.Equal(Hex(end), KeyPrefix.RangeEnd(Hex(prefix)));
}
