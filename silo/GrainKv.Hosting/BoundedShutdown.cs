using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Hosting;

/// <summary>
/// Runs a host until it is told to stop, then stops it, but never waits for longer than its shutdown timeout plus a
/// grace: a service whose stop ignores cancellation (Orleans keeps retrying to record a silo's leaving in a
/// membership table it cannot reach, for up to five minutes) must not keep a stopped process alive. A host that did
/// not stop in time is left undisposed, and the process ends with it. A host that fails to start is stopped the same
/// way before the failure is passed on: the services that did start would otherwise keep the process alive.
/// </summary>
public static partial class BoundedShutdown
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(IHost host, TimeSpan shutdownTimeout, ILogger log, CancellationToken ct)
    {
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        using var stopOnCancel = ct.Register(lifetime.StopApplication);
        try
        {
            await host.StartAsync(ct);
        }
        catch
        {
            await StopAsync(host, shutdownTimeout, log);
            throw;
        }
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        {
            await stopping.Task;
        }
        await StopAsync(host, shutdownTimeout, log);
    }

    private static async Task StopAsync(IHost host, TimeSpan shutdownTimeout, ILogger log)
    {
        var stopped = host.StopAsync(CancellationToken.None);
        if (await Task.WhenAny(stopped, Task.Delay(shutdownTimeout + Grace, CancellationToken.None)) != stopped)
        {
            LogAbandoned(log, (shutdownTimeout + Grace).TotalSeconds);
            return;
        }
        await stopped;
        if (host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else host.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The silo did not stop within {Seconds} s; exiting without waiting for the rest")]
    private static partial void LogAbandoned(ILogger log, double seconds);
}
