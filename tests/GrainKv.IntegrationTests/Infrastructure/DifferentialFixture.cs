namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// A real etcd 3.4 and a GrainKv side by side. Every differential call goes to both in the same
/// order, so their stores stay in lockstep (same revisions) whatever order the tests run in.
/// </summary>
public sealed class DifferentialFixture : IAsyncLifetime
{
    public EtcdServer Etcd { get; private set; } = null!;
    public GrainKvServer GrainKv { get; private set; } = null!;
    public EtcdClient EtcdClient { get; private set; } = null!;
    public EtcdClient GrainKvClient { get; private set; } = null!;

    public Task InitializeAsync() => StartServersAsync([]);

    /// <summary>A pair of its own, both started with the same extra flags (for example a small --quota-backend-bytes).</summary>
    public static async Task<DifferentialFixture> StartAsync(params string[] extraArguments)
    {
        var both = new DifferentialFixture();
        await both.StartServersAsync(extraArguments);
        return both;
    }

    private async Task StartServersAsync(string[] extraArguments)
    {
        var etcd = EtcdServer.StartAsync(extraArguments);
        var grainKv = GrainKvServer.StartAsync(extraArguments);
        Etcd = await etcd;
        GrainKv = await grainKv;
        EtcdClient = new EtcdClient(Etcd.ClientUrl);
        GrainKvClient = new EtcdClient(GrainKv.ClientUrl);
    }

    /// <summary>Sends the same call to etcd, then to GrainKv, and asserts the normalized outcomes are equal.</summary>
    public async Task<Outcome> BothAsync<T>(string what, Func<EtcdClient, Task<T>> call) where T : Google.Protobuf.IMessage
    {
        var expected = await Outcome.OfAsync(() => call(EtcdClient));
        var actual = await Outcome.OfAsync(() => call(GrainKvClient));
        Assert.True(expected.Text == actual.Text, $"{what}\n  etcd:    {expected.Text}\n  GrainKv: {actual.Text}");
        return expected;
    }

    public Task DisposeAsync()
    {
        EtcdClient?.Dispose();
        GrainKvClient?.Dispose();
        Etcd?.Dispose();
        GrainKv?.Dispose();
        return Task.CompletedTask;
    }
}
