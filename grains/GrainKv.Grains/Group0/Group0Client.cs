using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Runtime.Cluster;
using GrainKv.Shard;

namespace GrainKv.Grains.Group0;

/// <summary>
/// Group 0's front door for whoever runs in this process, a member's silo or a gateway: proposals and linearizable
/// reads go to the group's leader, followed as it changes; serializable reads to the nearest replica, this silo's
/// own when it has one, else the first member's.
/// </summary>
public sealed class Group0Client
{
    private readonly Group0Replica? _local;
    private readonly Group0Peers _peers;
    /// <summary>The members by nearness: this one first when it holds a replica, then the others in --initial-cluster order.</summary>
    private readonly ulong[] _byNearness;
    private readonly LeaderFollower _leader;

    public Group0Client(ClusterIdentity identity, Group0Peers peers, Group0Replica? local = null)
    {
        _local = local;
        _peers = peers;
        var ids = identity.Members.Select(m => m.Id);
        _byNearness = local is not null ? [identity.MemberId, .. ids.Where(id => id != identity.MemberId)] : [.. ids];
        _leader = new LeaderFollower(stale => OnNearestAsync(member => IsLocal(member) ? _local!.WaitForLeader(stale) : _peers.WaitForLeader(member, stale)));
    }

    public Task<ShardReply> ProposeAsync(ShardCommand command) =>
        _leader.CallAsync(leader => IsLocal(leader) ? _local!.Propose(command) : _peers.Propose(leader, command), idempotent: false);

    /// <summary>Revisions of the revision oracle, from group 0's leader; asked again elsewhere if lost, since gaps are allowed.</summary>
    public Task<ShardReply> AllocateRevisionsAsync(uint count) =>
        _leader.CallAsync(leader => IsLocal(leader) ? _local!.AllocateRevisions(count) : _peers.AllocateRevisions(leader, count), idempotent: true);

    /// <summary>A linearizable read on the leader; a serializable one on the nearest replica that can be reached.</summary>
    public Task<ShardReply> ReadAsync(ShardRead read) =>
        read.Serializable
            ? OnNearestAsync(member => IsLocal(member) ? _local!.Read(read) : _peers.Read(member, read))
            : _leader.CallAsync(leader => IsLocal(leader) ? _local!.Read(read) : _peers.Read(leader, read), idempotent: true);

    /// <summary>Asks the nearest member that can be reached; only for what may be asked twice.</summary>
    private async Task<T> OnNearestAsync<T>(Func<ulong, Task<T>> ask)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return await ask(_byNearness[i]);
            }
            catch (SiloUnreachableException) when (i + 1 < _byNearness.Length)
            {
            }
        }
    }

    private bool IsLocal(ulong memberId) => _local is not null && memberId == _byNearness[0];
}
