using System.CommandLine;

namespace GrainKv.Bench;

/// <summary>The options every command shares: where to connect, how hard to push, when to stop, how to report.</summary>
public sealed class RunOptions
{
    private const long DefaultTotalRequests = 10_000;

    private readonly Option<string> _endpoints = new("--endpoints")
    {
        Description = "Comma-separated etcd v3 gRPC endpoints (h2c)",
        DefaultValueFactory = _ => "http://127.0.0.1:2379",
    };

    private readonly Option<int> _connections = new Option<int>("--conns")
    {
        Description = "HTTP/2 connections, shared out over the endpoints",
        DefaultValueFactory = _ => 1,
    }.AtLeast(1);

    private readonly Option<int> _clients = new Option<int>("--clients")
    {
        Description = "Concurrent clients, each with one request in flight",
        DefaultValueFactory = _ => 1,
    }.AtLeast(1);

    private readonly Option<long?> _total = new Option<long?>("--total")
    {
        Description = $"Requests to measure (default {DefaultTotalRequests} unless --duration is given; with both, the first bound reached ends the run)",
    }.AtLeast(1);

    private readonly Option<TimeSpan?> _duration = new("--duration")
    {
        Description = "How long to measure, e.g. 30s, 500ms, 2m",
        CustomParser = result =>
        {
            string text = result.Tokens[0].Value;
            TimeSpan? duration = DurationText.TryParse(text);
            if (duration is null)
            {
                result.AddError($"--duration '{text}' is not a positive number followed by ms, s, m or h");
            }

            return duration;
        },
    };

    private readonly Option<long> _warmup = new Option<long>("--warmup")
    {
        Description = "Requests sent before measuring, not counted",
        DefaultValueFactory = _ => 0,
    }.AtLeast(0);

    private readonly Option<bool> _json = new("--json")
    {
        Description = "Print the result as one JSON object on stdout",
    };

    private readonly Option<bool> _progress = new("--progress")
    {
        Description = "Show the progress bar on stderr even when stderr is not a terminal",
    };

    public void AddTo(Command command)
    {
        foreach (Option option in (Option[])[_endpoints, _connections, _clients, _total, _duration, _warmup, _json, _progress])
        {
            command.Options.Add(option);
        }
    }

    public (BenchSettings? Settings, string? Error) Read(ParseResult parsed)
    {
        var (endpoints, endpointsError) = EndpointList.Parse(parsed.GetRequiredValue(_endpoints));
        if (endpoints is null)
        {
            return (null, endpointsError);
        }

        int connections = parsed.GetValue(_connections);
        if (connections < endpoints.Count)
        {
            return (null, $"--conns {connections} is fewer than the {endpoints.Count} endpoints; each endpoint needs a connection");
        }

        TimeSpan? duration = parsed.GetValue(_duration);
        long? total = parsed.GetValue(_total) ?? (duration is null ? DefaultTotalRequests : null);
        var settings = new BenchSettings(
            endpoints,
            connections,
            parsed.GetValue(_clients),
            total,
            duration,
            parsed.GetValue(_warmup),
            parsed.GetValue(_json),
            parsed.GetValue(_progress) || !Console.IsErrorRedirected);
        return (settings, null);
    }
}
