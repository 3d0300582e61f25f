using System.CommandLine;

namespace GrainKv.Bench;

/// <summary>
/// The options the streaming scenarios (watch-latency, lease-keepalive) share: where to connect, which server
/// process's CPU to measure, how to report; and the run-and-report step they share.
/// </summary>
public sealed class ScenarioOptions
{
    private readonly ConnectionOptions _connection = new();

    private readonly Option<int?> _serverPid = new Option<int?>("--server-pid")
    {
        Description = "Also measure this server process's CPU (utime+stime from /proc/<pid>/stat) over the measured phase",
    }.AtLeast(1);

    private readonly Option<bool> _json = new("--json")
    {
        Description = "Print the result as one JSON object on stdout",
    };

    public void AddTo(Command command)
    {
        _connection.AddTo(command);
        command.Options.Add(_serverPid);
        command.Options.Add(_json);
    }

    /// <summary>
    /// Runs the scenario <paramref name="run"/> starts and reports its result. Exit code 0 when the result is
    /// complete, 1 on a usage error, 2 when a request failed or the result is incomplete.
    /// </summary>
    public async Task<int> RunAsync<TResult>(ParseResult parsed, Func<ConnectionSettings, ServerCpuMeter?, Task<TResult>> run,
        Action<TextWriter, TResult> writeText, Action<Stream, TResult> writeJson, CancellationToken ct)
        where TResult : IScenarioResult
    {
        var (connection, connectionError) = _connection.Read(parsed);
        ServerCpuMeter? meter = null;
        string? meterError = null;
        if (parsed.GetValue(_serverPid) is { } pid)
        {
            (meter, meterError) = ServerCpuMeter.Open(pid);
        }

        using (meter)
        {
            if (connection is null || meterError is not null)
            {
                await Console.Error.WriteLineAsync(connectionError ?? meterError);
                return BenchCommandLine.UsageExitCode;
            }

            TResult result;
            try
            {
                result = await run(connection, meter);
            }
            catch (Exception error) when (CallFailure.IsCallOver(error, ct))
            {
                await Console.Error.WriteLineAsync($"{parsed.CommandResult.Command.Name} failed: {CallFailure.Describe(error)}");
                return BenchCommandLine.RequestsFailedExitCode;
            }

            if (parsed.GetValue(_json))
            {
                using Stream stdout = Console.OpenStandardOutput();
                writeJson(stdout, result);
            }
            else
            {
                writeText(Console.Out, result);
            }

            return result.Complete ? 0 : BenchCommandLine.RequestsFailedExitCode;
        }
    }
}
