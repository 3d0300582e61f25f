using GrainKv.Runtime.Cluster;
using GrainKv.Runtime.Grpc;
using GrainKv.Testing.Network;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime.Tests.Cluster;

/// <summary>
/// One silo of an in-process cluster: its own services, grain runtime and Kestrel serving the Silo service
/// at its member URL. Grains with key "name:..." are pinned to the silo of that name.
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
        Grains = app.Services.GetRequiredService<IGrainFactory>();
        Raft = app.Services.GetRequiredService<IRaftTransport>();
        Metrics = new SiloMetricRecorder(app.Services);
    }

    public StaticMembership Membership { get; }

    public SiloAddress Address => Membership.Local.Address;

    public RecordingRaftSink Sink { get; }

    public IGrainFactory Grains { get; }

    public IRaftTransport Raft { get; }

    public SiloMetricRecorder Metrics { get; }

    /// <summary>A membership of silos on 127.0.0.1 at free ports, seen from <paramref name="localName"/>.</summary>
    public static StaticMembership MembershipOf(string localName, IReadOnlyList<(string Name, int Port)> silos) =>
        new(silos.Select(s => new SiloMember(s.Name, new SiloAddress("127.0.0.1", s.Port, 0))), localName);

    public static IReadOnlyList<(string Name, int Port)> FreePorts(params string[] names) => names.Select(name => (name, FreePort.Next())).ToArray();

    public static async Task<ClusterTestSilo> StartAsync(StaticMembership membership, Action<SiloClusterOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureForGrpc([membership.Local.Url]));
        builder.Services.AddSingleton<RecordingRaftSink>();
        builder.Services.AddSingleton<IRaftMessageSink>(provider => provider.GetRequiredService<RecordingRaftSink>());
        builder.Services.AddGrainRuntime(options => options.AddGrain<IPlacedGrain, PlacedGrain>());
        builder.Services.AddSiloCluster(membership, options =>
        {
            options.GrainPlacement = _ => PinByKeyPrefix(membership);
            configure?.Invoke(options);
        });
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

    /// <summary>Stops without grace: connections are cut, calls in progress break off as in a crash.</summary>
    public async Task KillAsync()
    {
        _stopped = true;
        try
        {
            await _app.StopAsync(new CancellationToken(canceled: true));
        }
        catch (OperationCanceledException)
        {
            // Activations were not waited for, as a crash does not wait.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Metrics.Dispose();
        if (!_stopped) await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static Func<GrainId, SiloAddress?> PinByKeyPrefix(StaticMembership membership) =>
        grainId => grainId.Key.IndexOf(':') is var colon and > 0 ? membership.FindByName(grainId.Key[..colon])?.Address : null;
}
