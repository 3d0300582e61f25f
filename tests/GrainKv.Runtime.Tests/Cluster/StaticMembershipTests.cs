using GrainKv.Runtime.Cluster;

namespace GrainKv.Runtime.Tests.Cluster;

public sealed class StaticMembershipTests
{
    [Fact]
    public void Parse_InitialCluster_KnowsEveryMemberAndThisSilo()
    {
        var membership = StaticMembership.Parse("a=http://10.0.0.1:7000, b=http://10.0.0.2:7000,c=http://localhost:7001", "b");

        Assert.Equal(["a", "b", "c"], membership.Members.Select(m => m.Name));
        Assert.Equal(new PeerAddress("10.0.0.2", 7000), membership.Local.Address);
        Assert.Equal(["a", "c"], membership.Peers.Select(m => m.Name));
        Assert.Equal(new Uri("http://localhost:7001/"), membership.FindByName("c")!.Url);
    }

    [Fact]
    public void FindByAddress_MemberAndStranger_FindsOnlyTheMember()
    {
        var membership = StaticMembership.Parse("a=http://10.0.0.1:7000,b=http://10.0.0.2:7000", "a");

        Assert.Equal("b", membership.FindByAddress(new PeerAddress("10.0.0.2", 7000))!.Name);
        Assert.Null(membership.FindByAddress(new PeerAddress("10.0.0.2", 7001)));
        Assert.Null(membership.FindByName("z"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("=http://10.0.0.1:7000")]
    [InlineData("a=10.0.0.1:7000")]
    [InlineData("a=https://10.0.0.1:7000")]
    [InlineData("a=http://10.0.0.1:7000/path")]
    public void Parse_MalformedMember_ThrowsFormatException(string initialCluster)
    {
        Assert.Throws<FormatException>(() => StaticMembership.Parse(initialCluster, "a"));
    }

    [Theory]
    [InlineData("a=http://10.0.0.1:7000,a=http://10.0.0.2:7000", "a", "Two silos are named 'a'")]
    [InlineData("a=http://10.0.0.1:7000,b=http://10.0.0.1:7000", "a", "the same address")]
    [InlineData("a=http://10.0.0.1:7000", "b", "'b', is not among the members")]
    [InlineData("", "a", "is not among the members")]
    public void Parse_InconsistentCluster_ThrowsArgumentException(string initialCluster, string localName, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => StaticMembership.Parse(initialCluster, localName));

        Assert.Contains(expected, error.Message);
    }
}
