namespace GrainKv.Membership.Tests;

public sealed class SiloRegistrationTests
{
    [Theory]
    [InlineData("http://10.1.2.3:2380", "http://10.1.2.3:2379", "10.1.2.3:2380", "http://10.1.2.3:2379/")]
    [InlineData("http://0.0.0.0:2380", "http://0.0.0.0:2379", "silo1:2380", "http://silo1:2379/")]
    [InlineData("http://[::]:2380", "http://[::]:2379", "silo1:2380", "http://silo1:2379/")]
    [InlineData("http://0.0.0.0:2380", "http://127.0.0.1:2379", "silo1:2380", "http://127.0.0.1:2379/")]
    [InlineData("http://[::1]:2380", "http://localhost:2379", "[::1]:2380", "http://localhost:2379/")]
    public void Create_WildcardHostsBecomeTheReachableHost(string peerUrl, string clientUrl, string expectedPeer, string expectedClient)
    {
        var registration = SiloRegistration.Create("s", new Uri(peerUrl), new Uri(clientUrl), "silo1", storageIdentity: null, bootstrap: null);

        Assert.Equal(expectedPeer, $"{registration.PeerHost}:{registration.PeerPort}");
        Assert.Equal(expectedClient, registration.ClientUrl?.ToString());
    }

    [Theory]
    [InlineData("0.0.0.0", true)]
    [InlineData("[::]", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("[::1]", false)]
    [InlineData("silo1", false)]
    public void IsWildcard_AnyAddressOnly(string host, bool expected) => Assert.Equal(expected, SiloRegistration.IsWildcard(host));
}
