using System.CommandLine;

namespace GrainKv.Bench;

/// <summary>The <c>lease-keepalive</c> command: many leases kept alive at clientv3's rate, answers per second and server CPU.</summary>
public static class LeaseKeepAliveCommand
{
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var scenario = new ScenarioOptions();
        var leases = new Option<int>("--leases")
        {
            Description = "Leases granted, then kept alive",
            DefaultValueFactory = _ => 10_000,
        }.AtLeast(1);
        var ttl = new Option<long>("--ttl")
        {
            Description = "Lease TTL in seconds; each lease is renewed every TTL/3, as clientv3 does",
            DefaultValueFactory = _ => 10,
        }.AtLeast(1);
        var streams = new Option<int>("--streams")
        {
            Description = "LeaseKeepAlive streams, shared out over the connections; lease i is renewed on stream i mod streams",
            DefaultValueFactory = _ => 100,
        }.AtLeast(1);
        var duration = DurationText.CreateOption(
            "--duration", $"How long to measure, after one renewal interval of warm-up (default {DefaultDuration.TotalSeconds:F0}s)");

        var command = new Command(
            "lease-keepalive",
            "Benchmark lease renewal: keep-alives answered per second, leases lost, and the server's CPU");
        scenario.AddTo(command);
        foreach (Option option in (Option[])[leases, ttl, streams, duration])
        {
            command.Options.Add(option);
        }

        command.SetAction((parsed, ct) => scenario.RunAsync(
            parsed,
            (connection, serverCpu) =>
            {
                var settings = new LeaseKeepAliveSettings(
                    connection,
                    parsed.GetValue(leases),
                    parsed.GetValue(ttl),
                    parsed.GetValue(streams),
                    parsed.GetValue(duration) ?? DefaultDuration);
                return new LeaseKeepAliveRun(settings, serverCpu, Console.Error).RunAsync(ct);
            },
            LeaseKeepAliveReport.WriteText,
            LeaseKeepAliveReport.WriteJson,
            ct));
        return command;
    }
}
