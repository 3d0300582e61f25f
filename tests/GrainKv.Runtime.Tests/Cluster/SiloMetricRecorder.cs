using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace GrainKv.Runtime.Tests.Cluster;

/// <summary>Records the long measurements of one silo's meters (those its IMeterFactory made), so that silos sharing the process count apart.</summary>
internal sealed class SiloMetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, long Value, string? Reason)> _measurements = new();

    public SiloMetricRecorder(IServiceProvider silo)
    {
        var meters = silo.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "reason") reason = (string?)tag.Value;
            }
            _measurements.Enqueue((instrument.Name, value, reason));
        });
        _listener.Start();
    }

    public IReadOnlyList<long> Values(string name) => _measurements.Where(m => m.Name == name).Select(m => m.Value).ToArray();

    public long Sum(string name, string? reason = null) =>
        _measurements.Where(m => m.Name == name && (reason is null || m.Reason == reason)).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
