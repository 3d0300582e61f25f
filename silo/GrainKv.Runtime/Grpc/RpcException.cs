namespace GrainKv.Runtime.Grpc;

/// <summary>
/// A call that ends with a non-OK gRPC status. Handlers throw it to answer with that status; the client
/// throws it when the server's trailers carry one. <see cref="Exception.Message"/> is the exact
/// <c>grpc-message</c> text, because etcd clients match on it.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    public StatusCode StatusCode { get; }

    /// <summary>
    /// The client could not even connect, so the request never left this process and the server never saw
    /// it: a call that must not run twice may still be sent elsewhere. Any other failure may have run.
    /// </summary>
    public bool NeverSent => InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    /// <summary>Trailing metadata the server sent with the status (client side); empty otherwise.</summary>
    public GrpcMetadata Trailers { get; init; } = GrpcMetadata.Empty;

    public override string ToString() => $"{nameof(RpcException)}: {StatusCode}: {Message}";
}
