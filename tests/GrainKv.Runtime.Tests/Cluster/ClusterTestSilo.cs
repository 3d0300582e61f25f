using GrainKv.Runtime.Cluster;
using GrainKv.Runtime.Grpc;
using GrainKv.Testing.Network;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime.Tests.Cluster;

/// <summary>
/// One silo of an in-process cluster: its own services and Kestrel serving the Silo service at its member URL.
/// </summary>
internal sealed class ClusterTestSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private ClusterTestSilo(WebApplication app, StaticMembership membership)
    {
        _app = app;
        Membership = membership;
        Sink = app.Services.GetRequiredService<RecordingRaftSink>();
        Raft = app.Services.GetRequiredService<IRaftTransport>();
        Metrics = new SiloMetricRecorder(app.Services);
    }

    public StaticMembership Membership { get; }

    public PeerAddress Address => Membership.Local.Address;

    public RecordingRaftSink Sink { get; }

    public IRaftTransport Raft { get; }

    public SiloMetricRecorder Metrics { get; }

    /// <summary>A membership of silos on 127.0.0.1 at free ports, seen from <paramref name="localName"/>.</summary>
    public static StaticMembership MembershipOf(string localName, IReadOnlyList<(string Name, int Port)> silos) =>
        new(silos.Select(s => new SiloMember(s.Name, new PeerAddress("127.0.0.1", s.Port))), localName);

    public static IReadOnlyList<(string Name, int Port)> FreePorts(params string[] names) => names.Select(name => (name, FreePort.Next())).ToArray();

    public static async Task<ClusterTestSilo> StartAsync(StaticMembership membership, Action<SiloClusterOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureForGrpc([membership.Local.Url]));
        builder.Services.AddSingleton<RecordingRaftSink>();
        builder.Services.AddSingleton<IRaftMessageSink>(provider => provider.GetRequiredService<RecordingRaftSink>());
        builder.Services.AddSiloCluster(membership, configure);
        var app = builder.Build();
        app.MapSiloPeerService();
        await app.StartAsync();
        return new ClusterTestSilo(app, membership);
    }

    public async Task StopAsync()
    {
        _stopped = true;
        await _app.StopAsync();
    }

    /// <summary>Stops without grace: connections are cut, streams break off as in a crash.</summary>
    public async Task KillAsync()
    {
        _stopped = true;
        try
        {
            await _app.StopAsync(new CancellationToken(canceled: true));
        }
        catch (OperationCanceledException)
        {
            // Nothing was waited for, as a crash does not wait.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Metrics.Dispose();
        if (!_stopped) await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test after ten seconds.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}.");
            await Task.Delay(5);
        }
    }
}
