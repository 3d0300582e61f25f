using System.Diagnostics.Metrics;
using GrainKv.Runtime.Metrics;

namespace GrainKv.Runtime.Tests.Metrics;

public sealed class PrometheusMetricsTests
{
    [Fact]
    public void Scrape_CounterAndHistogram_RenderPrometheusTextWithDefaultSecondsBuckets()
    {
        var prefix = $"GrainKvTest{Guid.NewGuid():N}";
        using var metrics = new PrometheusMetrics(prefix);
        using var meter = new Meter(prefix + ".Scrape");
        meter.CreateCounter<long>("test_requests_total", description: "Requests.").Add(3, new KeyValuePair<string, object?>("kind", "put"));
        var seconds = meter.CreateHistogram<double>("test_seconds");
        seconds.Record(0.002);
        seconds.Record(0.2);

        var text = metrics.Scrape();

        Assert.Contains("# HELP test_requests_total Requests.\n# TYPE test_requests_total counter\ntest_requests_total{kind=\"put\"} 3\n", text);
        Assert.Contains("test_seconds_bucket{le=\"0.001\"} 0\n", text);
        Assert.Contains("test_seconds_bucket{le=\"0.0025\"} 1\n", text);
        Assert.Contains("test_seconds_bucket{le=\"0.25\"} 2\n", text);
        Assert.Contains("test_seconds_count 2\n", text);
    }

    [Fact]
    public void Scrape_HistogramWithBucketAdvice_UsesTheAdvisedBounds()
    {
        var prefix = $"GrainKvTest{Guid.NewGuid():N}";
        using var metrics = new PrometheusMetrics(prefix);
        using var meter = new Meter(prefix + ".Advice");
        var entries = meter.CreateHistogram<long>("test_entries", unit: null, description: null, tags: null,
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 8, 64] });
        entries.Record(5);
        entries.Record(90);

        var text = metrics.Scrape();

        Assert.Contains("test_entries_bucket{le=\"1\"} 0\ntest_entries_bucket{le=\"8\"} 1\ntest_entries_bucket{le=\"64\"} 1\ntest_entries_bucket{le=\"+Inf\"} 2\n", text);
        Assert.DoesNotContain("test_entries_bucket{le=\"0.0005\"}", text);
    }
}
