using Microsoft.Extensions.Logging;

namespace GrainKv.Hosting;

/// <summary>How GrainKv's executables log: one line per entry on the console, UTC timestamps, ASP.NET Core's chatter off.</summary>
public static class HostLogging
{
    public static void Configure(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    }
}
