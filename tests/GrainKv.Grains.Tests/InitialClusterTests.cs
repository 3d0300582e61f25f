using GrainKv.Grains.Cluster;

namespace GrainKv.Grains.Tests;

public sealed class InitialClusterTests
{
    [Fact]
    public void Parse_ThreeMembers_KeepsOrderAndDerivesStableIds()
    {
        var members = InitialCluster.Parse("a=http://127.0.0.1:2380,b=http://127.0.0.1:12380/,c=http://127.0.0.1:22380");

        Assert.Equal(["a", "b", "c"], members.Select(m => m.Name));
        Assert.Equal(["http://127.0.0.1:12380"], members[1].PeerUrls);
        Assert.Equal(EtcdMember.Create("b", ["http://127.0.0.1:12380"]).Id, members[1].Id);
        Assert.Equal(3, members.Select(m => m.Id).Distinct().Count());
        Assert.Equal(members, InitialCluster.Parse("a=http://127.0.0.1:2380, b=http://127.0.0.1:12380, c=http://127.0.0.1:22380"));
    }

    [Fact]
    public void Parse_NameRepeated_IsOneMemberWithSeveralPeerUrls()
    {
        var member = Assert.Single(InitialCluster.Parse("a=http://10.0.0.1:2380,a=http://10.0.0.2:2380"));
        Assert.Equal(["http://10.0.0.1:2380", "http://10.0.0.2:2380"], member.PeerUrls);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("=http://127.0.0.1:2380")]
    [InlineData("a=")]
    [InlineData("a=127.0.0.1:2380")]
    [InlineData("a=https://127.0.0.1:2380")]
    public void Parse_Malformed_Throws(string text) =>
        Assert.Throws<FormatException>(() => InitialCluster.Parse(text));
}
