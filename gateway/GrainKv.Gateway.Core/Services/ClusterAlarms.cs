using Etcdserverpb;
using Google.Protobuf.Reflection;
using GrainKv.Gateway.Errors;
using GrainKv.Gateway.Routing;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Shard;
using GrainKv.Shard;

namespace GrainKv.Gateway.Services;

/// <summary>
/// etcd's alarms and the quota check that raises NOSPACE. Alarms live in the first shard's replicated state,
/// whose capped apply refuses writes that need space while NOSPACE is active. With several shards every
/// shard's apply would have to see the alarm too: alarm commands would go to every shard (as compaction
/// does), GET would merge the shards' answers, and a write refused on one shard would raise it everywhere.
/// </summary>
public sealed class ClusterAlarms
{
    private static readonly EnumDescriptor AlarmTypes = AlarmMember.Descriptor.FindFieldByNumber(AlarmMember.AlarmFieldNumber).EnumType;

    private readonly ShardClient _shards;
    private readonly GatewayOptions _options;
    private readonly IDatabaseSize _databaseSize;
    private readonly ClusterIdentity _identity;

    public ClusterAlarms(ShardClient shards, GatewayOptions options, IDatabaseSize databaseSize, ClusterIdentity identity)
    {
        _shards = shards;
        _options = options;
        _databaseSize = databaseSize;
        _identity = identity;
    }

    public ulong AlarmShard => _shards.Map.Ranges[0].ShardId;

    /// <summary>Every action goes through Raft, GET included, as in etcd 3.4; the response has no header, as there.</summary>
    public async Task<AlarmResponse> ProposeAsync(AlarmRequest request, CancellationToken ct) =>
        (await _shards.ProposeAsync(AlarmShard, new ShardCommand { Alarm = request }, ct)).Alarm;

    /// <summary>
    /// etcd's quota check before proposing: a write that needs space while this member's backend is over
    /// --quota-backend-bytes is refused and raises this member's NOSPACE alarm. The size is this silo's alone,
    /// so it only raises the alarm; from then on the alarm refuses such writes on every replica alike.
    /// </summary>
    public async Task CheckQuotaAsync(ShardCommand command, CancellationToken ct)
    {
        if (!SpaceUse.Grows(command) || _databaseSize.Bytes <= _options.QuotaBackendBytes) return;
        var activate = new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Activate, MemberID = _identity.MemberId, Alarm = AlarmType.Nospace };
        await ProposeAsync(activate, ct);
        EtcdErrors.Throw(ShardError.NoSpace);
    }

    /// <summary>
    /// How etcd 3.4 lists an alarm in Status.errors and `etcdctl alarm list`: Go's compact protobuf text of the
    /// AlarmMember, zero fields left out and a trailing space (verified: "memberID:13668033151171901709 alarm:NOSPACE ").
    /// </summary>
    public static string Describe(AlarmMember alarm)
    {
        var text = new System.Text.StringBuilder();
        if (alarm.MemberID != 0) text.Append("memberID:").Append(alarm.MemberID).Append(' ');
        if (alarm.Alarm != AlarmType.None) text.Append("alarm:").Append(AlarmTypes.FindValueByNumber((int)alarm.Alarm).Name).Append(' ');
        return text.ToString();
    }
}
