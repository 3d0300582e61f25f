namespace GrainKv.Runtime.Grpc;

public sealed class GrpcServerOptions
{
    /// <summary>grpc-go's default; etcd sets max-request-bytes + 512 KiB (2 MiB with its defaults).</summary>
    public const int DefaultMaxReceiveMessageBytes = 4 * 1024 * 1024;

    /// <summary>A request message whose declared length is larger is refused with ResourceExhausted before it is buffered.</summary>
    public int MaxReceiveMessageBytes { get; init; } = DefaultMaxReceiveMessageBytes;

    /// <summary>The status for an exception a handler throws that is not an <see cref="RpcException"/>.</summary>
    public Func<Exception, (StatusCode Code, string Message)> MapException { get; init; } = static error => (StatusCode.Internal, error.Message);
}
