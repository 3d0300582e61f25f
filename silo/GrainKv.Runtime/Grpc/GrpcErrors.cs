using System.Diagnostics.CodeAnalysis;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// The gRPC-layer errors, with grpc-go's exact texts (etcd-api.md §7.3): clients and differential tests
/// compare them byte for byte.
/// </summary>
internal static class GrpcErrors
{
    public const string DeadlineExceededMessage = "context deadline exceeded";
    public const string CanceledMessage = "context canceled";

    [DoesNotReturn]
    public static void ThrowMessageTooLarge(long length, int maxMessageBytes) =>
        throw new RpcException(StatusCode.ResourceExhausted, $"grpc: received message larger than max ({length} vs. {maxMessageBytes})");

    [DoesNotReturn]
    public static void ThrowUnexpectedFlag(byte flag) =>
        throw new RpcException(StatusCode.Internal, flag == 1
            ? "grpc: compressed flag set with identity or empty encoding"
            : $"grpc: received unexpected payload format {flag}");

    public static RpcException Unmarshalling(string detail) =>
        new(StatusCode.Internal, "grpc: error unmarshalling request: " + detail);

    /// <summary>grpc-go reports io.EOF and io.ErrUnexpectedEOF from the body as Unknown with Go's error text.</summary>
    [DoesNotReturn]
    public static void ThrowEndOfStream(bool midMessage) =>
        throw new RpcException(StatusCode.Unknown, midMessage ? "unexpected EOF" : "EOF");

    public static RpcException DecompressorMissing(string encoding) =>
        new(StatusCode.Unimplemented, $"grpc: Decompressor is not installed for grpc-encoding \"{encoding}\"");

    public static RpcException MalformedTimeout(string detail) =>
        new(StatusCode.Internal, "transport: malformed time-out: " + detail);

    public static RpcException MalformedMethodName(string path) =>
        new(StatusCode.ResourceExhausted, $"malformed method name: \"{path}\"");

    public static RpcException UnknownService(string service) =>
        new(StatusCode.Unimplemented, "unknown service " + service);

    public static RpcException UnknownMethod(string service, string method) =>
        new(StatusCode.Unimplemented, $"unknown method {method} for service {service}");
}
