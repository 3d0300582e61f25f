using Etcdserverpb;
using GrainKv.Shard;

namespace GrainKv.Grains.Corruption;

/// <summary>The outcome of one corruption check pass over a shard's replicas.</summary>
public sealed record CorruptionVerdict(
    IReadOnlyList<CorruptionFinding> Findings,
    IReadOnlyList<(ulong MemberId, PeerHashSkip Reason)> Skipped,
    int PeersChecked)
{
    /// <summary>
    /// The member whose CORRUPT alarm to raise: that of the first finding. etcd raises at most one alarm per pass,
    /// however many rules broke.
    /// </summary>
    public ulong? MemberToAlarm => Findings.Count > 0 ? Findings[0].MemberId : null;

    /// <summary>The alarm to propose through the cluster-state shard, as etcd's leader proposes it; null if none.</summary>
    public ShardCommand? AlarmToRaise => MemberToAlarm is { } memberId
        ? new ShardCommand
        {
            Alarm = new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Activate, MemberID = memberId, Alarm = AlarmType.Corrupt },
        }
        : null;
}
