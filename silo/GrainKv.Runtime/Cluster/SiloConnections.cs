using GrainKv.Raft;
using Microsoft.Extensions.Logging;

namespace GrainKv.Runtime.Cluster;

/// <summary>
/// This silo's <see cref="PeerConnection"/> to each other member, made at startup; each connects on first use.
/// Peers are keyed by their --initial-cluster address.
/// </summary>
internal sealed class SiloConnections : IRaftTransport, IDisposable
{
    private readonly Dictionary<PeerAddress, PeerConnection> _peers = [];
    private readonly SiloMessagingMetrics _metrics;

    public SiloConnections(StaticMembership membership, SiloClusterOptions options, SiloMessagingMetrics metrics, ILoggerFactory loggers)
    {
        _metrics = metrics;
        foreach (var peer in membership.Peers)
        {
            _peers.Add(peer.Address, new PeerConnection(peer, options, metrics, loggers.CreateLogger<PeerConnection>()));
        }
    }

    public void Send(PeerAddress to, ulong groupId, Message message)
    {
        if (_peers.TryGetValue(to, out var peer))
        {
            peer.Send(groupId, message);
        }
        else
        {
            _metrics.MessagesDropped.Add(1, new KeyValuePair<string, object?>("peer", to.ToString()),
                new KeyValuePair<string, object?>("reason", RaftDropReason.NotAPeer));
        }
    }

    public void Dispose()
    {
        foreach (var peer in _peers.Values) peer.Dispose();
    }
}
