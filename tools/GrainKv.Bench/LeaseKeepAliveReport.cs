using System.Globalization;

namespace GrainKv.Bench;

/// <summary>Writes a <see cref="LeaseKeepAliveResult"/> as aligned text or as one JSON object.</summary>
public static class LeaseKeepAliveReport
{
    public static void WriteText(TextWriter output, LeaseKeepAliveResult result)
    {
        var invariant = CultureInfo.InvariantCulture;
        LeaseKeepAliveSettings settings = result.Settings;
        output.WriteLine("Summary:");
        output.WriteLine(string.Create(invariant,
            $"  Leases:      {settings.Leases}, TTL {settings.TtlSeconds} s, {result.LeasesLost} lost"));
        output.WriteLine(string.Create(invariant,
            $"  Keep-alives: every {settings.Interval.TotalSeconds:F2} s over {settings.Streams} streams; {result.KeepAlivesAnswered} of {result.KeepAlivesSent} answered"));
        output.WriteLine(string.Create(invariant,
            $"  Window:      {result.WindowSeconds:F2} s, {result.AnsweredPerSecond:F1} answered/s ({settings.KeepAlivesPerSecondExpected:F1} expected)"));
        foreach (string error in result.StreamErrors)
        {
            output.WriteLine($"    stream error: {error}");
        }

        if (result.RevokeErrors > 0)
        {
            output.WriteLine(string.Create(invariant, $"  Revokes:     {result.RevokeErrors} failed"));
        }

        BenchReport.WriteLatencyText(output, "Keep-alive latency in the window", result.Latency);
        BenchReport.WriteServerCpuText(output, result.ServerCpu);
    }

    public static void WriteJson(Stream output, LeaseKeepAliveResult result) => BenchReport.WriteJsonObject(output, json =>
    {
        LeaseKeepAliveSettings settings = result.Settings;
        json.WriteNumber("leases", settings.Leases);
        json.WriteNumber("ttlSeconds", settings.TtlSeconds);
        json.WriteNumber("streams", settings.Streams);
        json.WriteNumber("intervalSeconds", settings.Interval.TotalSeconds);
        json.WriteNumber("keepAlivesSent", result.KeepAlivesSent);
        json.WriteNumber("keepAlivesAnswered", result.KeepAlivesAnswered);
        json.WriteNumber("windowSeconds", result.WindowSeconds);
        json.WriteNumber("answeredInWindow", result.AnsweredInWindow);
        json.WriteNumber("answeredPerSecond", result.AnsweredPerSecond);
        json.WriteNumber("expectedPerSecond", settings.KeepAlivesPerSecondExpected);
        json.WriteNumber("leasesLost", result.LeasesLost);
        json.WriteNumber("revokeErrors", result.RevokeErrors);
        BenchReport.WriteStringsJson(json, "streamErrors", result.StreamErrors);
        BenchReport.WriteLatencyJson(json, "latencyMs", result.Latency);
        BenchReport.WriteServerCpuJson(json, result.ServerCpu);
    });
}
