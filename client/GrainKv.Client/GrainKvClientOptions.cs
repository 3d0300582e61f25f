using Microsoft.Extensions.Logging;

namespace GrainKv.Client;

/// <summary>Settings of a <see cref="GrainKvClient"/>.</summary>
public sealed record GrainKvClientOptions
{
    /// <summary>How long a KV or lease call may take, retries included; longer than a gateway's own request timeout (7 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>HTTP/2 connections to each endpoint that calls are spread over.</summary>
    public int ConnectionsPerEndpoint { get; init; } = 1;

    public ResumableWatchOptions Watch { get; init; } = new();

    public ILoggerFactory? Loggers { get; init; }
}
