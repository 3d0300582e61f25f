using System.Globalization;
using System.Text.Json;

namespace GrainKv.Bench;

/// <summary>Writes a <see cref="BenchResult"/> for people (aligned text) or for scripts (one JSON object).</summary>
public static class BenchReport
{
    public static void WriteText(TextWriter output, BenchResult result)
    {
        var invariant = CultureInfo.InvariantCulture;
        LatencySummary latency = result.Latency;
        output.WriteLine("Summary:");
        output.WriteLine(string.Create(invariant, $"  Requests:    {result.Requests} ({result.Errors} errors)"));
        foreach (var (status, count) in result.ErrorsByStatus)
        {
            output.WriteLine(string.Create(invariant, $"    {status}: {count}"));
        }

        output.WriteLine(string.Create(invariant, $"  Elapsed:     {result.ElapsedSeconds:F4} s"));
        output.WriteLine(string.Create(invariant, $"  Throughput:  {result.ThroughputPerSecond:F1} req/s"));
        output.WriteLine(string.Create(invariant, $"  Latency (ms, percentiles within {LatencyHistogram.RelativeErrorMax:P1}):"));
        output.WriteLine(string.Create(invariant, $"    min {latency.MinMs:F3}  mean {latency.MeanMs:F3}  max {latency.MaxMs:F3}"));
        output.WriteLine(string.Create(invariant, $"    p50 {latency.P50Ms:F3}  p90 {latency.P90Ms:F3}  p99 {latency.P99Ms:F3}  p99.9 {latency.P999Ms:F3}"));
    }

    public static void WriteJson(Stream output, BenchResult result)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteNumber("requests", result.Requests);
        json.WriteNumber("errors", result.Errors);
        json.WriteStartObject("errorsByStatus");
        foreach (var (status, count) in result.ErrorsByStatus)
        {
            json.WriteNumber(status.ToString(), count);
        }

        json.WriteEndObject();
        json.WriteNumber("elapsedSeconds", result.ElapsedSeconds);
        json.WriteNumber("throughputPerSecond", result.ThroughputPerSecond);
        json.WriteStartObject("latencyMs");
        json.WriteNumber("min", result.Latency.MinMs);
        json.WriteNumber("mean", result.Latency.MeanMs);
        json.WriteNumber("p50", result.Latency.P50Ms);
        json.WriteNumber("p90", result.Latency.P90Ms);
        json.WriteNumber("p99", result.Latency.P99Ms);
        json.WriteNumber("p99.9", result.Latency.P999Ms);
        json.WriteNumber("max", result.Latency.MaxMs);
        json.WriteEndObject();
        json.WriteNumber("percentileRelativeErrorMax", LatencyHistogram.RelativeErrorMax);
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }
}
