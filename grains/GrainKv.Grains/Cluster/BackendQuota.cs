using Etcdserverpb;
using GrainKv.Grains.Shard;
using GrainKv.Shard;

namespace GrainKv.Grains.Cluster;

/// <summary>
/// etcd's --quota-backend-bytes on this silo. An etcd member checks its own backend before it proposes a client's
/// write; here the silo that takes a proposal into a shard's Raft group checks its own storage, whether the write came
/// from its own client port or through a stand-alone gateway.
/// </summary>
public sealed class BackendQuota(long quotaBytes, IDatabaseSize size, ClusterIdentity identity)
{
    /// <summary>
    /// Null if <paramref name="command"/> may be proposed; else it needs space this silo no longer has, and etcd raises
    /// this member's NOSPACE alarm with the returned command before refusing the write.
    /// </summary>
    public ShardCommand? AlarmToRaise(ShardCommand command) =>
        SpaceUse.Grows(command) && size.Bytes > quotaBytes
            ? new ShardCommand
            {
                Alarm = new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Activate, MemberID = identity.MemberId, Alarm = AlarmType.Nospace },
            }
            : null;
}
