using System.CommandLine;
using System.Text;
using Google.Protobuf;

namespace GrainKv.Bench;

/// <summary>
/// The commands: <c>put</c> and <c>range</c>, each a closed-loop workload plus the shared run options; and the
/// streaming scenarios <c>watch-latency</c> and <c>lease-keepalive</c>.
/// </summary>
public static class BenchCommandLine
{
    // 1 is what System.CommandLine returns for a parse error; a bad combination of valid options is the same mistake.
    internal const int UsageExitCode = 1;
    internal const int RequestsFailedExitCode = 2;

    public static RootCommand Create()
    {
        var root = new RootCommand(
            "Load generator for any etcd v3 gRPC endpoint, etcd and GrainKv alike. "
            + "Exit code 0 when every request succeeded, 1 on a usage error, 2 when some requests failed (or, for the streaming "
            + "scenarios, an event or a keep-alive answer was missing or a lease was lost).");
        root.Subcommands.Add(CreatePutCommand());
        root.Subcommands.Add(CreateRangeCommand());
        root.Subcommands.Add(WatchLatencyCommand.Create());
        root.Subcommands.Add(LeaseKeepAliveCommand.Create());
        return root;
    }

    private static Command CreatePutCommand()
    {
        var keys = new KeyOptions();
        var valueSize = new Option<int>("--val-size")
        {
            Description = "Value length in bytes (random bytes, the same for every request)",
            DefaultValueFactory = _ => 8,
        }.AtLeast(0);

        var command = new Command("put", "Benchmark KV/Put");
        keys.AddTo(command);
        command.Options.Add(valueSize);
        return WithRunAction(command, parsed =>
        {
            var (source, error) = keys.Read(parsed);
            if (source is null)
            {
                return (null, error);
            }

            byte[] value = new byte[parsed.GetValue(valueSize)];
            Random.Shared.NextBytes(value);
            return (new PutWorkload(source, UnsafeByteOperations.UnsafeWrap(value)), null);
        });
    }

    private static Command CreateRangeCommand()
    {
        var keys = new KeyOptions();
        var key = new Option<string?>("--key")
        {
            Description = "Read this one key (UTF-8) instead of keys drawn from --key-space",
        };
        var consistency = new Option<string>("--consistency")
        {
            Description = "l = linearizable, s = serializable",
            DefaultValueFactory = _ => "l",
        }.AcceptOnlyFromAmong("l", "s");

        var command = new Command("range", "Benchmark KV/Range of single keys");
        keys.AddTo(command);
        command.Options.Add(key);
        command.Options.Add(consistency);
        return WithRunAction(command, parsed =>
        {
            var (source, error) = parsed.GetValue(key) is { } single
                ? (KeySource.Single(Encoding.UTF8.GetBytes(single)), null)
                : keys.Read(parsed);
            if (source is null)
            {
                return (null, error);
            }

            return (new RangeWorkload(source, serializable: parsed.GetValue(consistency) == "s"), null);
        });
    }

    private static Command WithRunAction(Command command, Func<ParseResult, (IWorkload? Workload, string? Error)> createWorkload)
    {
        var run = new RunOptions();
        run.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            var (settings, settingsError) = run.Read(parsed);
            var (workload, workloadError) = createWorkload(parsed);
            if (settings is null || workload is null)
            {
                await Console.Error.WriteLineAsync(settingsError ?? workloadError);
                return UsageExitCode;
            }

            BenchResult result = await new BenchRunner(settings, workload, Console.Error).RunAsync(ct);
            if (settings.Json)
            {
                using Stream stdout = Console.OpenStandardOutput();
                BenchReport.WriteJson(stdout, result);
            }
            else
            {
                BenchReport.WriteText(Console.Out, result);
            }

            return result.Errors > 0 ? RequestsFailedExitCode : 0;
        });
        return command;
    }
}
