using System.Globalization;

namespace GrainKv.Bench;

/// <summary>Writes a <see cref="WatchLatencyResult"/> as aligned text or as one JSON object.</summary>
public static class WatchLatencyReport
{
    public static void WriteText(TextWriter output, WatchLatencyResult result)
    {
        var invariant = CultureInfo.InvariantCulture;
        WatchLatencySettings settings = result.Settings;
        output.WriteLine("Summary:");
        output.WriteLine(string.Create(invariant,
            $"  Watchers:    {settings.Watchers} ({settings.Streams} streams x {settings.WatchersPerStream}), created in {result.SetupSeconds:F2} s"));
        output.WriteLine(string.Create(invariant, $"  Puts:        {settings.PutTotal} at {settings.PutsPerSecond:G} per second"));
        output.WriteLine(string.Create(invariant,
            $"  Events:      {result.EventsReceived} of {settings.EventsExpected} expected ({result.EventsOutOfOrder} out of order)"));
        foreach (string error in result.StreamErrors)
        {
            output.WriteLine($"    stream error: {error}");
        }

        BenchReport.WriteLatencyText(output, "Delivery latency, put sent to event received", result.Delivery);
        BenchReport.WriteLatencyText(output, "Put latency", result.Put);
        BenchReport.WriteServerCpuText(output, result.ServerCpu);
    }

    public static void WriteJson(Stream output, WatchLatencyResult result) => BenchReport.WriteJsonObject(output, json =>
    {
        WatchLatencySettings settings = result.Settings;
        json.WriteNumber("watchers", settings.Watchers);
        json.WriteNumber("streams", settings.Streams);
        json.WriteNumber("watchersPerStream", settings.WatchersPerStream);
        json.WriteNumber("puts", settings.PutTotal);
        json.WriteNumber("putsPerSecond", settings.PutsPerSecond);
        json.WriteNumber("setupSeconds", result.SetupSeconds);
        json.WriteNumber("eventsExpected", settings.EventsExpected);
        json.WriteNumber("eventsReceived", result.EventsReceived);
        json.WriteNumber("eventsOutOfOrder", result.EventsOutOfOrder);
        BenchReport.WriteStringsJson(json, "streamErrors", result.StreamErrors);
        BenchReport.WriteLatencyJson(json, "deliveryLatencyMs", result.Delivery);
        BenchReport.WriteLatencyJson(json, "putLatencyMs", result.Put);
        BenchReport.WriteServerCpuJson(json, result.ServerCpu);
    });
}
