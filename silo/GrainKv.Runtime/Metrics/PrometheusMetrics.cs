using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace GrainKv.Runtime.Metrics;

/// <summary>
/// Listens to every GrainKv meter (System.Diagnostics.Metrics) and renders the current values in
/// Prometheus' text exposition format: counters as totals, up-down counters and gauges as gauges,
/// histograms as cumulative buckets with sum and count.
/// </summary>
public sealed class PrometheusMetrics : IDisposable
{
    /// <summary>Buckets for histograms that give none in their advice: seconds from 0.5 ms up, and small counts.</summary>
    private static readonly double[] DefaultBucketBounds =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();

    public PrometheusMetrics(string meterPrefix = "GrainKv")
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith(meterPrefix, StringComparison.Ordinal)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public string Scrape()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var instrument = group.Key;
            var name = instrument.Name;
            var kind = instrument switch
            {
                Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => "counter",
                Histogram<long> or Histogram<int> or Histogram<double> => "histogram",
                _ => "gauge",
            };
            if (instrument.Description is { Length: > 0 } help) text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(kind).Append('\n');
            foreach (var (key, series) in group.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
            {
                series.Render(text, name, key.Labels, kind);
            }
        }
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        var series = _series.GetOrAdd((instrument, labels), static key => new Series(BucketBoundsOf(key.Instrument)));
        switch (instrument)
        {
            case Histogram<long> or Histogram<int> or Histogram<double>: series.Observe(value); break;
            case ObservableCounter<long> or ObservableCounter<double> or ObservableGauge<long> or ObservableGauge<int>
                or ObservableGauge<double> or ObservableUpDownCounter<long> or ObservableUpDownCounter<double>:
                series.Set(value); break;
            default: series.Add(value); break;
        }
    }

    private static double[] BucketBoundsOf(Instrument instrument) => instrument switch
    {
        Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        Histogram<int> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
        _ => DefaultBucketBounds,
    };

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty) return "";
        var parts = new List<string>(tags.Length);
        foreach (var (key, value) in tags)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            parts.Add($"{key}=\"{text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n")}\"");
        }
        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    private sealed class Series(double[] bucketBounds)
    {
        private readonly long[] _buckets = new long[bucketBounds.Length];
        private double _value;
        private long _count;

        public void Add(double value)
        {
            lock (this) _value += value;
        }

        public void Set(double value)
        {
            lock (this) _value = value;
        }

        public void Observe(double value)
        {
            lock (this)
            {
                _value += value;
                _count++;
                var bucket = Array.BinarySearch(bucketBounds, value);
                if (bucket < 0) bucket = ~bucket;
                if (bucket < _buckets.Length) _buckets[bucket]++;
            }
        }

        public void Render(StringBuilder text, string name, string labels, string kind)
        {
            lock (this)
            {
                if (kind != "histogram")
                {
                    text.Append(name).Append(Braces(labels)).Append(' ').Append(Format(_value)).Append('\n');
                    return;
                }
                long cumulative = 0;
                for (var i = 0; i < bucketBounds.Length; i++)
                {
                    cumulative += _buckets[i];
                    var le = $"le=\"{Format(bucketBounds[i])}\"";
                    text.Append(name).Append("_bucket").Append(Braces(labels.Length == 0 ? le : labels + "," + le)).Append(' ').Append(cumulative).Append('\n');
                }
                var inf = "le=\"+Inf\"";
                text.Append(name).Append("_bucket").Append(Braces(labels.Length == 0 ? inf : labels + "," + inf)).Append(' ').Append(_count).Append('\n');
                text.Append(name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Format(_value)).Append('\n');
                text.Append(name).Append("_count").Append(Braces(labels)).Append(' ').Append(_count).Append('\n');
            }
        }

        private static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
