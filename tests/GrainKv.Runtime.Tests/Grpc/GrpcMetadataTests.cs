using GrainKv.Runtime.Grpc;

namespace GrainKv.Runtime.Tests.Grpc;

public sealed class GrpcMetadataTests
{
    [Fact]
    public void Add_BinaryKey_CarriesUnpaddedBase64()
    {
        var metadata = new GrpcMetadata { { "trace-bin", new byte[] { 1, 2, 3, 4 } } };

        var entry = Assert.Single(metadata);

        Assert.Equal("AQIDBA", entry.Value);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, metadata.GetBytes("trace-bin"));
    }

    [Theory]
    [InlineData("Token", "token")]
    [InlineData("hasleader", "hasleader")]
    public void Add_StringKey_StoredLowerCase(string key, string expectedKey)
    {
        var metadata = new GrpcMetadata { { key, "v" } };

        Assert.Equal(expectedKey, Assert.Single(metadata).Key);
        Assert.Equal("v", metadata.GetValue(expectedKey));
    }

    [Theory]
    [InlineData("")]
    [InlineData(":path")]
    [InlineData("bad key")]
    [InlineData("key-bin")]
    public void Add_InvalidStringKey_Throws(string key)
    {
        Assert.Throws<ArgumentException>(() => new GrpcMetadata().Add(key, "v"));
    }

    [Fact]
    public void Add_ByteValueUnderStringKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => new GrpcMetadata().Add("token", new byte[] { 1 }));
    }

    [Fact]
    public void Empty_Add_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => GrpcMetadata.Empty.Add("k", "v"));
    }
}
