using System.Collections.Concurrent;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Runtime;
using GrainKv.Runtime.Cluster;
using GrainKv.Runtime.Grpc;
using GrainKv.Shard;
using GrainKv.Silo.Protocol;
using Grpc.Core;
using Grpc.Net.Client;

namespace GrainKv.Grains.Group0;

/// <summary>
/// Other members' replicas of group 0, called at each member's first peer URL over a connection of its own (so a
/// gateway, which has no peer streams, reaches them too). A member that cannot be reached, or does not answer within
/// <see cref="CallTimeout"/> (a hung process keeps its connection open), is reported as
/// <see cref="SiloUnreachableException"/>, which says whether the request may have been taken.
/// </summary>
public sealed class Group0Peers(ClusterIdentity identity) : IDisposable
{
    /// <summary>Longer than a leader wait (<see cref="LeaderFollower"/>) and an election or two.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<ulong, (GrpcChannel Channel, SiloPeer.SiloPeerClient Client, PeerAddress Address)> _peers = new();

    public Task<ShardReply> Propose(ulong memberId, ShardCommand command) => CallAsync(memberId, new Group0Request { Propose = command });

    public Task<ShardReply> Read(ulong memberId, ShardRead read) => CallAsync(memberId, new Group0Request { Read = read });

    public Task<ShardReply> AllocateRevisions(ulong memberId, uint count) => CallAsync(memberId, new Group0Request { AllocateRevisions = count });

    public async Task<ulong> WaitForLeader(ulong memberId, ulong stale) =>
        (await CallAsync(memberId, new Group0Request { WaitForLeaderAfter = stale })).LeaderId;

    public void Dispose()
    {
        foreach (var peer in _peers.Values) peer.Channel.Dispose();
    }

    private async Task<ShardReply> CallAsync(ulong memberId, Group0Request request)
    {
        var peer = _peers.GetOrAdd(memberId, Connect);
        try
        {
            return await peer.Client.Group0Async(request, deadline: DateTime.UtcNow + CallTimeout).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable)
        {
            throw new SiloUnreachableException(peer.Address, error.Reason(), error);
        }
        catch (OperationCanceledException error)
        {
            // Nothing here cancels a call: its deadline passed (GrpcChannels' channels report that as a cancellation).
            throw new SiloUnreachableException(peer.Address, $"no answer within {CallTimeout.TotalSeconds} s", error);
        }
    }

    private (GrpcChannel, SiloPeer.SiloPeerClient, PeerAddress) Connect(ulong memberId)
    {
        var member = identity.MemberById(memberId) ?? throw new ArgumentException($"{memberId:x16} is no member of the cluster.", nameof(memberId));
        var url = new Uri(member.PeerUrls[0]);
        var channel = GrpcChannels.Open(url);
        return (channel, new SiloPeer.SiloPeerClient(channel), new PeerAddress(url.Host, url.Port));
    }
}
