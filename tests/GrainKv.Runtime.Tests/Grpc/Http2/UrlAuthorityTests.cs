using System.Text;
using GrainKv.Runtime.Grpc.Http2;

namespace GrainKv.Runtime.Tests.Grpc.Http2;

public sealed class UrlAuthorityTests
{
    [Theory]
    [InlineData("http://127.0.0.1:2379", "127.0.0.1:2379")]
    [InlineData("https://etcd.example.com", "etcd.example.com")]
    [InlineData("http://[::1]:2379", "[::1]:2379")]
    [InlineData("http://127.0.0.1:2379/", "127.0.0.1:2379")]
    [InlineData("http://user:secret@host:1/path?q=1#f", "host:1")]
    [InlineData("http://host:1?q", "host:1")]
    [InlineData("svc+h2.v1://host", "host")]
    public void TryGetHostAndPort_Url_GivesItsHostAndPort(string value, string expected)
    {
        Assert.True(UrlAuthority.TryGetHostAndPort(Encoding.ASCII.GetBytes(value), out ReadOnlySpan<byte> hostAndPort));

        Assert.Equal(expected, Encoding.ASCII.GetString(hostAndPort));
    }

    [Theory]
    [InlineData("127.0.0.1:2379")]
    [InlineData("localhost")]
    [InlineData("")]
    [InlineData("://host:1")]
    [InlineData("1http://host:1")]
    [InlineData("ht tp://host:1")]
    [InlineData("http://")]
    [InlineData("http:///path")]
    [InlineData("http://user@")]
    [InlineData("#initially=[http://127.0.0.1:2379]")]
    public void TryGetHostAndPort_NotAUrlWithAHost_IsFalse(string value)
    {
        Assert.False(UrlAuthority.TryGetHostAndPort(Encoding.ASCII.GetBytes(value), out _));
    }
}
