using GrainKv.Runtime.Grpc;

namespace GrainKv.Runtime.Tests.Grpc;

public sealed class GrpcMessageEncodingTests
{
    [Theory]
    [InlineData("etcdserver: key is not provided", "etcdserver: key is not provided")]
    [InlineData("", "")]
    [InlineData("100%", "100%25")]
    [InlineData("line1\nline2", "line1%0Aline2")]
    [InlineData("tab\there", "tab%09here")]
    [InlineData("caf\u00e9", "caf%C3%A9")]
    [InlineData("\u65e5", "%E6%97%A5")]
    [InlineData("~ \u007f", "~ %7F")]
    public void Encode_Message_PercentEncodesBytesOutsidePrintableAscii(string message, string expected)
    {
        Assert.Equal(expected, GrpcMessageEncoding.Encode(message));
    }

    [Theory]
    [InlineData("line1%0Aline2", "line1\nline2")]
    [InlineData("caf%c3%a9", "caf\u00e9")]
    [InlineData("100%", "100%")]
    [InlineData("%zz%4", "%zz%4")]
    [InlineData("plain", "plain")]
    public void Decode_Encoded_RestoresTextAndKeepsMalformedEscapes(string encoded, string expected)
    {
        Assert.Equal(expected, GrpcMessageEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("mixed \u00e9\n%\u0001 \U0001F600 end")]
    public void Decode_OfEncode_IsIdentity(string message)
    {
        Assert.Equal(message, GrpcMessageEncoding.Decode(GrpcMessageEncoding.Encode(message)));
    }
}
