using GrainKv.Runtime;

namespace GrainKv.Runtime.Tests.Grains;

public sealed class GrainIdTests
{
    [Theory]
    [InlineData("replica/1/2", "replica", "1/2")]
    [InlineData("raftgroup/42", "raftgroup", "42")]
    [InlineData("meta/", "meta", "")]
    public void Parse_WellFormed_SplitsAtFirstSlashAndRoundTrips(string text, string type, string key)
    {
        var id = GrainId.Parse(text);

        Assert.Equal(new GrainId(type, key), id);
        Assert.Equal(text, id.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("nokey")]
    [InlineData("/key")]
    [InlineData(null)]
    public void TryParse_Malformed_ReturnsFalse(string? text)
    {
        Assert.False(GrainId.TryParse(text, out _));
    }

    [Theory]
    [InlineData(42L)]
    [InlineData(-7L)]
    [InlineData(long.MaxValue)]
    public void GetIntegerKey_CreatedFromInteger_ReturnsIt(long key)
    {
        Assert.Equal(key, GrainId.Create("counter", key).GetIntegerKey());
    }

    [Fact]
    public void GetIntegerKey_StringKey_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => GrainId.Create("replica", "1/2").GetIntegerKey());
    }

    [Fact]
    public void Constructor_TypeWithSlash_Throws()
    {
        Assert.Throws<ArgumentException>(() => new GrainId("a/b", "key"));
    }
}
