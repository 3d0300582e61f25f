using GrainKv.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GrainKv.Runtime.Tests.Grains;

/// <summary>A started host with the grain runtime and the test grains, stopped on dispose.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestSilo(IHost host)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
        Probe = host.Services.GetRequiredService<GrainProbe>();
    }

    public IGrainFactory Grains { get; }

    public GrainProbe Probe { get; }

    public static async Task<TestSilo> StartAsync(Action<GrainRuntimeOptions>? configure = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<GrainProbe>();
        builder.Services.AddGrainRuntime(options =>
        {
            options.AddGrainsFromAssembly(typeof(TestSilo).Assembly);
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public async Task StopAsync()
    {
        _stopped = true;
        await _host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped) await _host.StopAsync();
        _host.Dispose();
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
