using GrainKv.Grains.Shard;
using GrainKv.Shard;

namespace GrainKv.Grains.Cluster;

/// <summary>
/// etcd's --quota-backend-bytes on this silo. An etcd member checks its own backend before it proposes a client's
/// write; here the silo that takes a proposal into a shard's Raft group checks its own storage, whether the write came
/// from its own client port or through a stand-alone gateway.
/// </summary>
public sealed class BackendQuota(long quotaBytes, IDatabaseSize size)
{
    /// <summary>Whether <paramref name="command"/> needs space this silo no longer has.</summary>
    public bool Refuses(ShardCommand command) => SpaceUse.Grows(command) && size.Bytes > quotaBytes;
}
