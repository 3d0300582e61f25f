using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Orleans.Tests.Placement;
using GrainKv.Shard;
using Orleans.TestingHost;

namespace GrainKv.Orleans.Tests.Serialization;

[Collection(PinnedClusterCollection.Name)]
public sealed class ProtobufGrainCallTests(PinnedClusterFixture fixture)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private InProcessTestCluster Cluster => fixture.Cluster;

    private static PutRequest Request() => new()
    {
        Key = ByteString.CopyFromUtf8("key/0001"),
        Value = ByteString.CopyFrom(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()),
        PrevKv = true,
    };

    [Theory]
    [InlineData("Silo_0", "Silo_1")]
    [InlineData("Silo_1", "Silo_1")]
    public async Task Call_PutRequest_ArrivesIntactAndCalleeMutationStaysInCallee(string callerSilo, string calleeSilo)
    {
        var caller = Cluster.Client.GetGrain<IProtobufEchoGrain>($"caller/{callerSilo}");

        var outcome = await caller.CallMutate($"callee/{calleeSilo}", Request()).WaitAsync(CallTimeout);

        Assert.Equal(Request(), outcome.SentAfterCall);
        Assert.Equal(new PutRequest(Request()) { Value = ProtobufEchoGrain.CalleeValue, Lease = 42 }, outcome.Returned);
    }

    [Theory]
    [InlineData("Silo_0", "Silo_1")]
    [InlineData("Silo_1", "Silo_1")]
    public async Task Call_NullMessage_ArrivesAndReturnsNull(string callerSilo, string calleeSilo)
    {
        var caller = Cluster.Client.GetGrain<IProtobufEchoGrain>($"caller/{callerSilo}");

        var outcome = await caller.CallMutate($"callee/{calleeSilo}", null).WaitAsync(CallTimeout);

        Assert.Null(outcome.SentAfterCall);
        Assert.Null(outcome.Returned);
    }

    [Fact]
    public async Task Call_MessageDeclaredAsIMessage_RoundTripsWithItsType()
    {
        var command = new ShardCommand { Put = Request() };
        var callee = Cluster.Client.GetGrain<IProtobufEchoGrain>("callee/Silo_2");

        var echoed = await callee.Echo(command).WaitAsync(CallTimeout);

        Assert.Equal(command, Assert.IsType<ShardCommand>(echoed));
    }
}
