using GrainKv.Runtime;

namespace GrainKv.Runtime.Tests.Grains;

public sealed class SiloAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:11111@5", "127.0.0.1", 11111, 5)]
    [InlineData("silo-2:30000@123456", "silo-2", 30000, 123456)]
    [InlineData("[::1]:11111@7", "[::1]", 11111, 7)]
    public void Parse_WellFormed_ReadsPartsAndRoundTrips(string text, string host, int port, int generation)
    {
        var address = SiloAddress.Parse(text);

        Assert.Equal(new SiloAddress(host, port, generation), address);
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1:11111")]
    [InlineData("127.0.0.1@5")]
    [InlineData(":11111@5")]
    [InlineData("host:70000@5")]
    [InlineData("host:port@5")]
    [InlineData("::1:11111@5")]
    [InlineData(null)]
    public void TryParse_Malformed_ReturnsFalse(string? text)
    {
        Assert.False(SiloAddress.TryParse(text, out _));
    }

    [Fact]
    public void Equals_SameEndpointOtherGeneration_IsDifferentSilo()
    {
        Assert.NotEqual(new SiloAddress("silo", 11111, 1), new SiloAddress("silo", 11111, 2));
    }
}
