using System.Globalization;
using System.Text.Json;

namespace GrainKv.Bench;

/// <summary>
/// Writes a <see cref="BenchResult"/> for people (aligned text) or for scripts (one JSON object), and the pieces
/// every scenario's report shares: latency summaries and server CPU.
/// </summary>
public static class BenchReport
{
    public static void WriteText(TextWriter output, BenchResult result)
    {
        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine("Summary:");
        output.WriteLine(string.Create(invariant, $"  Requests:    {result.Requests} ({result.Errors} errors)"));
        foreach (var (status, count) in result.ErrorsByStatus)
        {
            output.WriteLine(string.Create(invariant, $"    {status}: {count}"));
        }

        output.WriteLine(string.Create(invariant, $"  Elapsed:     {result.ElapsedSeconds:F4} s"));
        output.WriteLine(string.Create(invariant, $"  Throughput:  {result.ThroughputPerSecond:F1} req/s"));
        WriteLatencyText(output, "Latency", result.Latency);
    }

    public static void WriteJson(Stream output, BenchResult result) => WriteJsonObject(output, json =>
    {
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
        WriteLatencyJson(json, "latencyMs", result.Latency);
    });

    /// <summary>Two indented lines of figures under a heading naming what was timed.</summary>
    public static void WriteLatencyText(TextWriter output, string what, LatencySummary latency)
    {
        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(invariant, $"  {what} (ms, percentiles within {LatencyHistogram.RelativeErrorMax:P1}):"));
        output.WriteLine(string.Create(invariant, $"    min {latency.MinMs:F3}  mean {latency.MeanMs:F3}  max {latency.MaxMs:F3}"));
        output.WriteLine(string.Create(invariant, $"    p50 {latency.P50Ms:F3}  p90 {latency.P90Ms:F3}  p99 {latency.P99Ms:F3}  p99.9 {latency.P999Ms:F3}"));
    }

    public static void WriteServerCpuText(TextWriter output, ServerCpu? cpu)
    {
        if (cpu is not null)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  Server CPU:  {cpu.PercentOfOneCore:F1}% of one core (pid {cpu.Pid}: {cpu.CpuSeconds:F2} s over {cpu.WindowSeconds:F2} s)"));
        }
    }

    public static void WriteLatencyJson(Utf8JsonWriter json, string name, LatencySummary latency)
    {
        json.WriteStartObject(name);
        json.WriteNumber("min", latency.MinMs);
        json.WriteNumber("mean", latency.MeanMs);
        json.WriteNumber("p50", latency.P50Ms);
        json.WriteNumber("p90", latency.P90Ms);
        json.WriteNumber("p99", latency.P99Ms);
        json.WriteNumber("p99.9", latency.P999Ms);
        json.WriteNumber("max", latency.MaxMs);
        json.WriteEndObject();
    }

    /// <summary>Omitted when no server pid was given.</summary>
    public static void WriteServerCpuJson(Utf8JsonWriter json, ServerCpu? cpu)
    {
        if (cpu is null)
        {
            return;
        }

        json.WriteStartObject("serverCpu");
        json.WriteNumber("pid", cpu.Pid);
        json.WriteNumber("cpuSeconds", cpu.CpuSeconds);
        json.WriteNumber("windowSeconds", cpu.WindowSeconds);
        json.WriteNumber("percentOfOneCore", cpu.PercentOfOneCore);
        json.WriteEndObject();
    }

    public static void WriteStringsJson(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    /// <summary>One JSON object on one line, its members written by <paramref name="writeMembers"/>.</summary>
    public static void WriteJsonObject(Stream output, Action<Utf8JsonWriter> writeMembers)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        writeMembers(json);
        json.WriteNumber("percentileRelativeErrorMax", LatencyHistogram.RelativeErrorMax);
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }
}
