using Etcdserverpb;
using Google.Protobuf.Reflection;
using GrainKv.Gateway.Routing;
using GrainKv.Shard;

namespace GrainKv.Gateway.Services;

/// <summary>
/// etcd's alarms. They live in the first shard's replicated state, whose capped apply refuses writes that need
/// space while NOSPACE is active; a silo over its quota raises NOSPACE (RaftGroupGrain). With several shards every
/// shard's apply would have to see the alarm too: alarm commands would go to every shard (as compaction
/// does), GET would merge the shards' answers, and a write refused on one shard would raise it everywhere.
/// </summary>
public sealed class ClusterAlarms
{
    private static readonly EnumDescriptor AlarmTypes = AlarmMember.Descriptor.FindFieldByNumber(AlarmMember.AlarmFieldNumber).EnumType;

    private readonly ShardClient _shards;

    public ClusterAlarms(ShardClient shards)
    {
        _shards = shards;
    }

    /// <summary>Every action goes through Raft, GET included, as in etcd 3.4; the response has no header, as there.</summary>
    public async Task<AlarmResponse> ProposeAsync(AlarmRequest request, CancellationToken ct) =>
        (await _shards.ProposeAsync(_shards.Map.ClusterStateShard, new ShardCommand { Alarm = request }, ct)).Alarm;

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
