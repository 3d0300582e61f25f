using GrainKv.Runtime.Grpc;
using GrainKv.Silo.Protocol;
using GrainKv.Testing.Network;
using Grpc.Core;

namespace GrainKv.Runtime.Tests.Grpc;

public sealed class GrpcChannelsTests
{
    [Fact]
    public async Task CallToAPortNobodyListensOn_NeverSent_AndItsReasonNamesTheRefusalWithoutExceptionTypes()
    {
        using var channel = GrpcChannels.Open(new Uri($"http://127.0.0.1:{FreePort.Next()}/"));
        var client = new SiloPeer.SiloPeerClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.Group0Async(new Group0Request()).ResponseAsync);

        Assert.True(error.NeverSent(), error.ToString());
        Assert.StartsWith("Unavailable: ", error.Reason(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error.Reason(), StringComparison.Ordinal);
        Assert.Contains("refused", error.Reason(), StringComparison.Ordinal);
    }
}
