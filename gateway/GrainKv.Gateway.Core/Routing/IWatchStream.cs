using Etcdserverpb;

namespace GrainKv.Gateway.Routing;

/// <summary>
/// One etcd Watch stream as the Watch service and the recipes use it: requests go in, responses come out
/// in the order they must be sent to the client.
/// </summary>
public interface IWatchStream : IDisposable
{
    void Send(WatchRequest request);

    /// <summary>The next responses to send, waiting until there are some.</summary>
    Task<IReadOnlyList<WatchResponse>> ReceiveAsync(CancellationToken ct);
}
