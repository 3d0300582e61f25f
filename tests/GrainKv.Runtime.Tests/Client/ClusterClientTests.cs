using GrainKv.Runtime.Client;
using GrainKv.Runtime.Cluster;
using GrainKv.Runtime.Tests.Cluster;

namespace GrainKv.Runtime.Tests.Client;

/// <summary>
/// A cluster client against in-process silos a and b, with c a silo the directory lists but that never
/// started: calls land on live silos, follow placement, skip a silo that refuses connections, and a call
/// cut off by its silo's death fails instead of running again elsewhere.
/// </summary>
public sealed class ClusterClientTests : IAsyncLifetime
{
    /// <summary>Guards against a hang; an answer or a failure comes long before it.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<(string Name, int Port)> _silos = ClusterTestSilo.FreePorts("a", "b", "c");
    private ClusterTestSilo _a = null!;
    private ClusterTestSilo _b = null!;

    public async Task InitializeAsync()
    {
        _a = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("a", _silos));
        _b = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("b", _silos));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Call_AnySiloGrain_RunsOnALiveSiloAndKeepsToIt()
    {
        await using var client = Client(new TestPlacement());

        var first = await client.GetGrain<IPlacedGrain>("anywhere").WhereAmI().WaitAsync(Patience);
        var again = await client.GetGrain<IPlacedGrain>("anywhere").WhereAmI().WaitAsync(Patience);

        Assert.Contains(first, new[] { _a.Address.ToString(), _b.Address.ToString() });
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task Call_ManyAnySiloGrains_SpreadOverTheLiveSilos()
    {
        await using var client = Client(new TestPlacement());

        var silos = new HashSet<string>();
        for (var i = 0; i < 32; i++) silos.Add(await client.GetGrain<IPlacedGrain>($"spread{i}").WhereAmI().WaitAsync(Patience));

        Assert.Equal(new HashSet<string> { _a.Address.ToString(), _b.Address.ToString() }, silos);
    }

    [Fact]
    public async Task Call_PinnedGrain_RunsOnItsSilo()
    {
        await using var client = Client(new TestPlacement());

        var whereAmI = await client.GetGrain<IPlacedGrain>("b:1").WhereAmI().WaitAsync(Patience);
        await client.GetGrain<IPlacedGrain>("b:2").Record("from the client").WaitAsync(Patience);

        Assert.Equal(_b.Address.ToString(), whereAmI);
        Assert.Equal("from the client", await _b.Grains.GetGrain<IPlacedGrain>("b:2").LastRecorded().WaitAsync(Patience));
    }

    [Fact]
    public async Task Call_PreferredSiloRefusesConnections_RunsOnAnotherLiveSilo()
    {
        await using var client = Client(new TestPlacement(preferred: "c"));

        var whereAmI = await client.GetGrain<IPlacedGrain>("anywhere").WhereAmI().WaitAsync(Patience);

        Assert.Contains(whereAmI, new[] { _a.Address.ToString(), _b.Address.ToString() });
    }

    [Fact]
    public async Task Call_PinnedToSiloThatRefusesConnections_ThrowsSiloUnreachable()
    {
        await using var client = Client(new TestPlacement());

        var error = await Assert.ThrowsAsync<SiloUnreachableException>(() => client.GetGrain<IPlacedGrain>("c:1").WhereAmI().WaitAsync(Patience));

        Assert.Equal(new SiloAddress("127.0.0.1", _silos[2].Port, 0), error.Silo);
    }

    [Fact]
    public async Task Call_GrainThrows_ThrowsRemoteGrainExceptionFromItsSilo()
    {
        await using var client = Client(new TestPlacement());

        var error = await Assert.ThrowsAsync<RemoteGrainException>(() => client.GetGrain<IPlacedGrain>("a:1").Throw("no such thing").WaitAsync(Patience));

        Assert.Equal(("System.InvalidOperationException", "no such thing"), (error.ExceptionType, error.Message));
    }

    [Fact]
    public async Task Call_SiloDiesMidCall_ThrowsSiloUnreachableAndIsNotSentAgain()
    {
        await using var client = Client(new TestPlacement(preferred: "b"));
        var grain = client.GetGrain<IPlacedGrain>("anywhere");
        Assert.Equal(_b.Address.ToString(), await grain.WhereAmI().WaitAsync(Patience));

        var text = Guid.NewGuid().ToString();
        var hanging = grain.Hang(text);
        using (var patience = new CancellationTokenSource(Patience))
        {
            while (!PlacedGrain.Hung.Contains((_b.Address, text))) await Task.Delay(10, patience.Token);
        }
        await _b.KillAsync();

        var error = await Assert.ThrowsAsync<SiloUnreachableException>(() => hanging.WaitAsync(Patience));
        Assert.Equal(_b.Address, error.Silo);
        // The next call finds the survivor, and the broken call never ran there.
        Assert.Equal(_a.Address.ToString(), await grain.WhereAmI().WaitAsync(Patience));
        Assert.DoesNotContain((_a.Address, text), PlacedGrain.Hung);
    }

    [Fact]
    public async Task Call_NoLiveSilo_ThrowsSiloUnreachable()
    {
        await using var client = new ClusterClient(new StaticSiloDirectory([]));

        await Assert.ThrowsAsync<SiloUnreachableException>(() => client.GetGrain<IPlacedGrain>("anywhere").WhereAmI().WaitAsync(Patience));
    }

    private ClusterClient Client(IClientGrainPlacement placement) =>
        new(new StaticSiloDirectory(_silos.Select(s => new SiloEntry(s.Name, new SiloAddress("127.0.0.1", s.Port, 0), null))),
            new ClusterClientOptions { Placement = placement });

    /// <summary>The test silos' placement seen from a client: a key "name:..." pins the grain to that silo.</summary>
    private sealed class TestPlacement(string? preferred = null) : IClientGrainPlacement
    {
        public string? PinnedSilo(GrainId grain) => grain.Key.IndexOf(':') is var colon and > 0 ? grain.Key[..colon] : null;

        public string? PreferredSilo(GrainId grain) => preferred;
    }
}
