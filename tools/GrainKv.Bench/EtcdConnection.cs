using Etcdserverpb;
using Grpc.Net.Client;

namespace GrainKv.Bench;

/// <summary>
/// One HTTP/2 connection to one endpoint (h2c with prior knowledge) and the etcd API's clients over it. Its handler
/// never opens a second connection, so <c>--conns</c> is what a run holds; past the server's limit of concurrent
/// streams on a connection, further calls wait for a stream to end.
/// </summary>
public sealed class EtcdConnection : IDisposable
{
    // Each stream may receive 4 MiB before waiting for a window update, instead of HTTP/2's 64 KiB that the handler
    // grows only as it measures the connection: the client's flow control should not hold back a burst of watch events.
    private const int StreamWindowBytes = 4 * 1024 * 1024;

    private readonly GrpcChannel _channel;

    public EtcdConnection(Uri endpoint)
    {
        _channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = CreateHandler(),
            DisposeHttpClient = true,
            // Like Go clients, accept responses of any size.
            MaxReceiveMessageSize = null,
        });
        Kv = new KV.KVClient(_channel);
        Lease = new Lease.LeaseClient(_channel);
        Watch = new Watch.WatchClient(_channel);
    }

    public KV.KVClient Kv { get; }

    public Lease.LeaseClient Lease { get; }

    public Watch.WatchClient Watch { get; }

    public void Dispose() => _channel.Dispose();

    private static SocketsHttpHandler CreateHandler() => new()
    {
        EnableMultipleHttp2Connections = false,
        InitialHttp2StreamWindowSize = StreamWindowBytes,
        UseProxy = false,
        // The connection lives as long as the run, idle gaps (between warm-up and measured phase) included.
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        KeepAlivePingDelay = TimeSpan.FromSeconds(10),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
    };
}
