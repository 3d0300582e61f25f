using System.CommandLine;
using System.Text;
using Google.Protobuf;

namespace GrainKv.Bench;

/// <summary>The <c>watch-latency</c> command: many watchers on one key, puts to it at a fixed rate, delivery latency.</summary>
public static class WatchLatencyCommand
{
    private static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var scenario = new ScenarioOptions();
        var streams = new Option<int>("--streams")
        {
            Description = "Watch streams, shared out over the connections",
            DefaultValueFactory = _ => 100,
        }.AtLeast(1);
        var watchersPerStream = new Option<int>("--watchers-per-stream")
        {
            Description = "Watchers created on each stream, all on the same key",
            DefaultValueFactory = _ => 100,
        }.AtLeast(1);
        var key = new Option<string>("--key")
        {
            Description = "The watched and written key (UTF-8)",
            DefaultValueFactory = _ => "watch-latency",
        };
        var putTotal = new Option<int>("--put-total")
        {
            Description = "Puts to the key once every watcher is created",
            DefaultValueFactory = _ => 100,
        }.AtLeast(1);
        var putRate = new Option<int>("--put-rate")
        {
            Description = "Puts per second",
            DefaultValueFactory = _ => 10,
        }.AtLeast(1);
        var valueSize = new Option<int>("--val-size")
        {
            Description = $"Value length in bytes; the first {PutNumberValue.MinBytes} carry the put's number",
            DefaultValueFactory = _ => PutNumberValue.MinBytes,
        }.AtLeast(PutNumberValue.MinBytes);
        var drainTimeout = DurationText.CreateOption(
            "--drain-timeout", $"How long to wait after the last put for events still on their way (default {DefaultDrainTimeout.TotalSeconds:F0}s)");

        var command = new Command(
            "watch-latency",
            "Benchmark watch fan-out: put sent to event received, per watcher per put, and whether every event arrived");
        scenario.AddTo(command);
        foreach (Option option in (Option[])[streams, watchersPerStream, key, putTotal, putRate, valueSize, drainTimeout])
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, ct) => scenario.RunAsync(
            parsed,
            (connection, serverCpu) =>
            {
                var settings = new WatchLatencySettings(
                    connection,
                    parsed.GetValue(streams),
                    parsed.GetValue(watchersPerStream),
                    ByteString.CopyFrom(parsed.GetRequiredValue(key), Encoding.UTF8),
                    parsed.GetValue(putTotal),
                    parsed.GetValue(putRate),
                    parsed.GetValue(valueSize),
                    parsed.GetValue(drainTimeout) ?? DefaultDrainTimeout);
                return new WatchLatencyRun(settings, serverCpu, Console.Error).RunAsync(ct);
            },
            WatchLatencyReport.WriteText,
            WatchLatencyReport.WriteJson,
            ct));
        return command;
    }
}
