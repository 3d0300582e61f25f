using Microsoft.Extensions.Logging;

namespace GrainKv.Hosting;

/// <summary>How GrainKv's executables log: one line per entry on the console, UTC timestamps, ASP.NET Core's and Orleans' chatter off.</summary>
public static class HostLogging
{
    /// <summary>etcd's --log-level values, least severe first.</summary>
    public static readonly string[] EtcdLevels = ["debug", "info", "warn", "error", "panic", "fatal"];

    public static void Configure(ILoggingBuilder logging, LogLevel minimum)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
        logging.SetMinimumLevel(minimum);
        var chatter = minimum > LogLevel.Warning ? minimum : LogLevel.Warning;
        logging.AddFilter("Microsoft.AspNetCore", chatter);
        // Only request start and finish are logged here, at levels below the chatter's; but any level left on makes
        // ASP.NET Core start an Activity and a logging scope for every request to correlate them (a tenth of a put's
        // allocations).
        logging.AddFilter(RequestDiagnosticsCategory, LogLevel.None);
        logging.AddFilter("Orleans", chatter);
        logging.AddFilter("Polly", chatter);
    }

    /// <summary>The category ASP.NET Core's hosting logs each request under.</summary>
    private const string RequestDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>The least severe entries logged at an etcd --log-level: panic and fatal both keep only critical ones.</summary>
    public static LogLevel MinimumOf(string etcdLevel) => etcdLevel switch
    {
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "panic" or "fatal" => LogLevel.Critical,
        _ => throw new ArgumentException($"--log-level must be one of {string.Join(", ", EtcdLevels)}, not '{etcdLevel}'"),
    };
}
