using System.CommandLine;

namespace GrainKv.Bench;

/// <summary>The options the closed-loop commands (put, range) share: where to connect, how hard to push, when to stop, how to report.</summary>
public sealed class RunOptions
{
    private const long DefaultTotalRequests = 10_000;

    private readonly ConnectionOptions _connection = new();

    private readonly Option<int> _clients = new Option<int>("--clients")
    {
        Description = "Concurrent clients, each with one request in flight",
        DefaultValueFactory = _ => 1,
    }.AtLeast(1);

    private readonly Option<long?> _total = new Option<long?>("--total")
    {
        Description = $"Requests to measure (default {DefaultTotalRequests} unless --duration is given; with both, the first bound reached ends the run)",
    }.AtLeast(1);

    private readonly Option<TimeSpan?> _duration = DurationText.CreateOption("--duration", "How long to measure, e.g. 30s, 500ms, 2m");

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
        _connection.AddTo(command);
        foreach (Option option in (Option[])[_clients, _total, _duration, _warmup, _json, _progress])
        {
            command.Options.Add(option);
        }
    }

    public (BenchSettings? Settings, string? Error) Read(ParseResult parsed)
    {
        var (connection, connectionError) = _connection.Read(parsed);
        if (connection is null)
        {
            return (null, connectionError);
        }

        TimeSpan? duration = parsed.GetValue(_duration);
        long? total = parsed.GetValue(_total) ?? (duration is null ? DefaultTotalRequests : null);
        var settings = new BenchSettings(
            connection,
            parsed.GetValue(_clients),
            total,
            duration,
            parsed.GetValue(_warmup),
            parsed.GetValue(_json),
            parsed.GetValue(_progress) || !Console.IsErrorRedirected);
        return (settings, null);
    }
}
