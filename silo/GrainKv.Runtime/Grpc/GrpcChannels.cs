using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;

namespace GrainKv.Runtime.Grpc;

/// <summary>How GrainKv's own gRPC clients (peer silos, cluster clients, the .NET etcd client) connect.</summary>
public static class GrpcChannels
{
    /// <summary>
    /// One HTTP/2 connection (prior knowledge over http://) to <paramref name="address"/>, made on first use and
    /// again after it breaks, with the same window sizes the servers offer (<see cref="GrpcKestrel"/>), no message
    /// size limit and no retries of Grpc.Net.Client's own: callers decide what may be sent again. A call its caller
    /// cancels ends with <see cref="OperationCanceledException"/>, as .NET's own APIs end. Grpc.Net.Client
    /// reconnects a broken connection in the background with a backoff, bounded here by a little more than an election
    /// timeout, so that a peer or server that comes back is talked to again within a few elections.
    /// </summary>
    public static GrpcChannel Open(Uri address, TimeSpan? connectTimeout = null) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = connectTimeout ?? Timeout.InfiniteTimeSpan,
                EnableMultipleHttp2Connections = false,
                InitialHttp2StreamWindowSize = GrpcKestrel.StreamWindowBytes,
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            },
            MaxReceiveMessageSize = null,
            MaxSendMessageSize = null,
            MaxRetryAttempts = 0,
            ThrowOperationCanceledOnCancellation = true,
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
        });

    /// <summary>
    /// The call could not even connect, so the server never saw it: safe to send elsewhere or again, even a write.
    /// Grpc.Net.Client reports that as Unavailable carrying the connection failure: its connection manager's socket
    /// error or connect timeout, or HttpClient's connection error.
    /// </summary>
    public static bool NeverSent(this RpcException error) =>
        error.StatusCode == StatusCode.Unavailable
        && error.Status.DebugException is SocketException or TimeoutException or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    /// <summary>
    /// Why a call failed, in words for an operator's log: the connection failure Grpc.Net.Client carries (its message,
    /// not the exception's type and stack), else the status detail.
    /// </summary>
    public static string Reason(this RpcException error) =>
        error.Status.DebugException is { } failure ? $"{error.StatusCode}: {failure.Message}" : error.Status.Detail;
}
