using GrainKv.Grains.Cluster;

namespace GrainKv.Grains.Tests;

public sealed class ClusterBootstrapTests
{
    [Fact]
    public void FromInitialCluster_TheIdsOfEtcdsBootstrap()
    {
        const string initialCluster = "a=http://127.0.0.1:2380,b=http://127.0.0.1:12380";

        var bootstrap = ClusterBootstrap.FromInitialCluster(initialCluster, "token-1");

        var members = InitialCluster.Parse(initialCluster);
        Assert.Equal(members, bootstrap.Members);
        Assert.Equal(ClusterIdentity.ClusterIdOf("token-1", members), bootstrap.ClusterId);
        Assert.NotEqual(bootstrap.ClusterId, ClusterBootstrap.FromInitialCluster(initialCluster, "token-2").ClusterId);
    }

    [Fact]
    public void ToText_JsonWithHexIds_InMemberOrder()
    {
        var bootstrap = new ClusterBootstrap(0xab, [new EtcdMember("b", 0xfedcba9876543210, ["http://10.0.0.2:2380"]), new EtcdMember("a", 1, [])]);

        Assert.Equal(
            """{"clusterId":"00000000000000ab","members":[{"name":"b","id":"fedcba9876543210","peerUrls":["http://10.0.0.2:2380"]},{"name":"a","id":"0000000000000001","peerUrls":[]}]}""",
            bootstrap.ToText());
    }

    [Fact]
    public void Parse_OfToText_SameClusterAndMembers_IdsAsGivenNotDerived()
    {
        // A lone member's id is the one its data dir was created with, which its name and URLs need not give.
        var bootstrap = new ClusterBootstrap(ulong.MaxValue,
        [
            new EtcdMember("infra \"1\" ü", 42, ["http://10.0.0.1:2380", "http://10.0.0.9:2380"]),
            EtcdMember.Create("infra2", ["http://10.0.0.2:2380"]),
        ]);

        var parsed = ClusterBootstrap.Parse(bootstrap.ToText());

        Assert.Equal(bootstrap.ClusterId, parsed.ClusterId);
        Assert.Equal(bootstrap.Members, parsed.Members);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"clusterId":"01"}""")]
    [InlineData("""{"clusterId":"01","members":[]}""")]
    [InlineData("""{"clusterId":"01","members":{}}""")]
    [InlineData("""{"clusterId":"zz","members":[{"name":"a","id":"01","peerUrls":[]}]}""")]
    [InlineData("""{"clusterId":"1ffffffffffffffff","members":[{"name":"a","id":"01","peerUrls":[]}]}""")]
    [InlineData("""{"clusterId":1,"members":[{"name":"a","id":"01","peerUrls":[]}]}""")]
    [InlineData("""{"clusterId":"01","members":[{"name":null,"id":"01","peerUrls":[]}]}""")]
    [InlineData("""{"clusterId":"01","members":[{"name":"a","peerUrls":[]}]}""")]
    public void Parse_Malformed_ThrowsFormatExceptionQuotingTheText(string text)
    {
        var error = Assert.Throws<FormatException>(() => ClusterBootstrap.Parse(text));

        Assert.Contains($"'{text}'", error.Message);
    }
}
