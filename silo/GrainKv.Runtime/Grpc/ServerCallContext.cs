using Microsoft.AspNetCore.Http;

namespace GrainKv.Runtime.Grpc;

/// <summary>What a handler knows about its call: the method, the request metadata, the deadline and cancellation.</summary>
public sealed class ServerCallContext
{
    private GrpcMetadata? _requestHeaders;
    private GrpcMetadata? _responseTrailers;

    internal ServerCallContext(HttpContext httpContext, string method, DateTime deadline, CancellationToken cancellationToken)
    {
        HttpContext = httpContext;
        Method = method;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    /// <summary>The full method path, "/package.Service/Method".</summary>
    public string Method { get; }

    /// <summary>The client's deadline in UTC, <see cref="DateTime.MaxValue"/> when it sent no grpc-timeout.</summary>
    public DateTime Deadline { get; }

    /// <summary>Fires when the deadline passes or the client cancels (RST_STREAM) or disconnects.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The request's custom metadata; reserved headers (grpc-*, te, content-type) are left out.</summary>
    public GrpcMetadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders(HttpContext.Request.Headers);

    /// <summary>Metadata to send with the final status.</summary>
    public GrpcMetadata ResponseTrailers => _responseTrailers ??= new GrpcMetadata();

    /// <summary>The underlying HTTP exchange, for what this context does not expose (peer address, features).</summary>
    public HttpContext HttpContext { get; }

    internal bool HasResponseTrailers => _responseTrailers is { Count: > 0 };

    private static GrpcMetadata ReadRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new GrpcMetadata();
        foreach (var (name, values) in headers)
        {
            if (IsReserved(name))
            {
                continue;
            }

            foreach (string? value in values)
            {
                if (value is not null)
                {
                    metadata.AddWireValue(name, value);
                }
            }
        }

        return metadata;
    }

    private static bool IsReserved(string name) =>
        name.StartsWith(':')
        || name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("te", StringComparison.OrdinalIgnoreCase)
        || name.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("host", StringComparison.OrdinalIgnoreCase);
}
