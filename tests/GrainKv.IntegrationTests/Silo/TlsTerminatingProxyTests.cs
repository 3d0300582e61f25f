using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using GrainKv.Testing.Http2;

namespace GrainKv.IntegrationTests.Silo;

/// <summary>
/// A proxy that terminates TLS (Envoy, nginx, a cloud load balancer) forwards each gRPC call over cleartext HTTP/2 with
/// the scheme the client used, <c>:scheme: https</c>. etcd answers such calls; GrainKv must too.
/// </summary>
public sealed class TlsTerminatingProxyTests
{
    [Fact]
    public async Task Range_WithHttpsSchemeOnTheCleartextPort_IsAnsweredAsEtcdAnswersIt()
    {
        using var etcd = await EtcdServer.StartAsync();
        using var grainKv = await GrainKvServer.StartAsync();

        RangeResponse fromEtcd = await RangeThroughProxyAsync(etcd.ClientUrl);
        RangeResponse fromGrainKv = await RangeThroughProxyAsync(grainKv.ClientUrl);

        Assert.Equal("1", Assert.Single(fromEtcd.Kvs).Value.ToStringUtf8());
        Assert.Equal("1", Assert.Single(fromGrainKv.Kvs).Value.ToStringUtf8());
        using var client = new EtcdClient(grainKv.ClientUrl);
        Assert.Equal((await client.StatusAsync()).Header.MemberId, fromGrainKv.Header.MemberId);
    }

    /// <summary>Puts proxied=1, then ranges it with the header block a TLS-terminating proxy forwards.</summary>
    private static async Task<RangeResponse> RangeThroughProxyAsync(Uri server)
    {
        using (var client = new EtcdClient(server))
        {
            await client.PutAsync("proxied", "1");
        }

        byte[] block = new HpackBlockBuilder()
            .Indexed(3) // :method POST
            .Indexed(7) // :scheme https
            .LiteralWithIndexing(4, "/etcdserverpb.KV/Range")
            .LiteralWithIndexing(1, $"{server.Host}:{server.Port}")
            .LiteralWithIndexing(31, "application/grpc")
            .LiteralWithIndexing("te", "trailers")
            .ToArray();
        byte[] request = Http2Wire.GrpcMessage(new RangeRequest { Key = ByteString.CopyFromUtf8("proxied") });

        Dictionary<int, Http2StreamOutcome> outcomes = await RawHttp2Client.CallAsync(server, (1, block, request));

        return outcomes[1].SingleMessage(RangeResponse.Parser);
    }
}
