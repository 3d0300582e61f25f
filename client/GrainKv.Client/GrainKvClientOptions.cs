using Microsoft.Extensions.Logging;

namespace GrainKv.Client;

/// <summary>Settings of a <see cref="GrainKvClient"/>.</summary>
public sealed record GrainKvClientOptions
{
    /// <summary>How long a KV or lease call may take, retries included; longer than a gateway's own request timeout (7 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public ResumableWatchOptions Watch { get; init; } = new();

    public ILoggerFactory? Loggers { get; init; }
}
