using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace GrainKv.Membership.Tests;

/// <summary>
/// Reads the membership instruments of one host (those its IMeterFactory made, so hosts sharing the test process count
/// apart): counters as totals, gauges as their latest observation. A series is named by its tags, "key=value" joined by
/// ',' in order, "" for none.
/// </summary>
internal sealed class MembershipMetricReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Tags), long> _values = new();

    public MembershipMetricReader(IServiceProvider host)
    {
        var meters = host.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Meter.Name == MembershipMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = (instrument.Name, string.Join(',', tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}").Order(StringComparer.Ordinal)));
            if (instrument is ObservableGauge<long>) _values[key] = value;
            else _values.AddOrUpdate(key, value, (_, total) => total + value);
        });
        _listener.Start();
    }

    public long Counter(string name, string tags = "") => _values.GetValueOrDefault((name, tags));

    /// <summary>The gauge's value now; null if it has never been observed.</summary>
    public long? Gauge(string name, string tags = "")
    {
        _listener.RecordObservableInstruments();
        return _values.TryGetValue((name, tags), out var value) ? value : null;
    }

    public void Dispose() => _listener.Dispose();
}
