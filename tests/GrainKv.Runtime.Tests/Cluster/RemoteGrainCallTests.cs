using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Runtime.Cluster;

namespace GrainKv.Runtime.Tests.Cluster;

public sealed class RemoteGrainCallTests : IAsyncLifetime
{
    /// <summary>Guards against a hang; an answer or a failure comes long before it.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private ClusterTestSilo _a = null!;
    private ClusterTestSilo _b = null!;

    public async Task InitializeAsync()
    {
        // Silo c is a member that never starts.
        var silos = ClusterTestSilo.FreePorts("a", "b", "c");
        _a = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("a", silos));
        _b = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("b", silos));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Call_GrainPinnedToOtherSilo_RunsThereAndReturnsResult()
    {
        var whereAmI = await _a.Grains.GetGrain<IPlacedGrain>("b:1").WhereAmI().WaitAsync(Patience);

        Assert.Equal(_b.Address.ToString(), whereAmI);
    }

    [Fact]
    public async Task Call_UnpinnedGrain_RunsOnCallingSilo()
    {
        var whereAmI = await _a.Grains.GetGrain<IPlacedGrain>("anywhere").WhereAmI().WaitAsync(Patience);

        Assert.Equal(_a.Address.ToString(), whereAmI);
    }

    [Fact]
    public async Task Call_ArgumentsOfEverySupportedType_RoundTrip()
    {
        var request = new RangeRequest { Key = ByteString.CopyFromUtf8("k") };

        var response = await _a.Grains.GetGrain<IPlacedGrain>("b:1")
            .Echo(request, count: -5, revision: ulong.MaxValue - 1, limit: int.MinValue, more: true, text: "t").WaitAsync(Patience);

        Assert.Equal(-5, response.Count);
        Assert.Equal(unchecked((long)(ulong.MaxValue - 1)), response.Header.Revision);
        Assert.True(response.More);
        var kv = Assert.Single(response.Kvs);
        Assert.Equal(("k", "t", (long)int.MinValue), (kv.Key.ToStringUtf8(), kv.Value.ToStringUtf8(), kv.Version));
    }

    [Fact]
    public async Task Call_NullArgumentAndNullResult_StayNull()
    {
        var grain = _a.Grains.GetGrain<IPlacedGrain>("b:1");

        var echoed = await grain.Echo(new RangeRequest(), 0, 0, 0, false, text: null).WaitAsync(Patience);
        var nothing = await grain.Nothing().AsTask().WaitAsync(Patience);

        Assert.Equal("<null>", echoed.Kvs[0].Value.ToStringUtf8());
        Assert.Null(nothing);
    }

    [Fact]
    public async Task Call_VoidMethodOnOtherSilo_ChangesTheGrainThere()
    {
        await _a.Grains.GetGrain<IPlacedGrain>("b:2").Record("from a").WaitAsync(Patience);

        // Asked on b itself: a local call, so the state must live in b's activation.
        Assert.Equal("from a", await _b.Grains.GetGrain<IPlacedGrain>("b:2").LastRecorded().WaitAsync(Patience));
    }

    [Fact]
    public async Task Call_GrainThrowsOnOtherSilo_ThrowsRemoteGrainException()
    {
        var error = await Assert.ThrowsAsync<RemoteGrainException>(() =>
            _a.Grains.GetGrain<IPlacedGrain>("b:1").Throw("no such thing").WaitAsync(Patience));

        Assert.Equal(("System.InvalidOperationException", "no such thing", _b.Address),
            (error.ExceptionType, error.Message, error.Silo));
    }

    [Fact]
    public async Task Call_SiloDown_ThrowsSiloUnreachable()
    {
        var error = await Assert.ThrowsAsync<SiloUnreachableException>(() =>
            _a.Grains.GetGrain<IPlacedGrain>("c:1").WhereAmI().WaitAsync(Patience));

        Assert.Equal(_a.Membership.FindByName("c")!.Address, error.Silo);
    }

    [Fact]
    public async Task Call_UnsupportedParameterTypeToOtherSilo_ThrowsNotSupported()
    {
        var error = await Assert.ThrowsAsync<NotSupportedException>(() =>
            _a.Grains.GetGrain<IPlacedGrain>("b:1").Unsupported(DateTime.UnixEpoch).WaitAsync(Patience));

        Assert.Contains(typeof(DateTime).FullName!, error.Message);
    }

    [Fact]
    public async Task Call_UnsupportedParameterTypeOnThisSilo_RunsAsBefore()
    {
        var ticks = await _a.Grains.GetGrain<IPlacedGrain>("a:1").Unsupported(DateTime.UnixEpoch).WaitAsync(Patience);

        Assert.Equal(DateTime.UnixEpoch.Ticks, ticks);
    }
}
