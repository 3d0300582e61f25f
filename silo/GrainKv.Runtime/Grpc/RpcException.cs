namespace GrainKv.Runtime.Grpc;

/// <summary>
/// A call that ends with a non-OK gRPC status. Handlers throw it to answer with that status; the client
/// throws it when the server's trailers carry one. <see cref="Exception.Message"/> is the exact
/// <c>grpc-message</c> text, because etcd clients match on it.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public StatusCode StatusCode { get; }

    /// <summary>Trailing metadata the server sent with the status (client side); empty otherwise.</summary>
    public GrpcMetadata Trailers { get; init; } = GrpcMetadata.Empty;

    public override string ToString() => $"{nameof(RpcException)}: {StatusCode}: {Message}";
}
