using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Cluster;
using GrainKv.Shard;

namespace GrainKv.Grains.Tests;

public sealed class BackendQuotaTests
{
    private sealed class FixedSize(long bytes) : IDatabaseSize
    {
        public long Bytes => bytes;
    }

    private static readonly ClusterIdentity Member = new(1, 42, "m", [], [], []);

    private static ShardCommand Put => new() { Put = new PutRequest { Key = ByteString.CopyFromUtf8("k") } };

    [Fact]
    public void PutOverTheQuota_RaisesThisMembersNoSpaceAlarm()
    {
        var quota = new BackendQuota(1000, new FixedSize(1001), Member);

        var alarm = quota.AlarmToRaise(Put)!.Alarm;

        Assert.Equal((AlarmRequest.Types.AlarmAction.Activate, 42UL, AlarmType.Nospace), (alarm.Action, alarm.MemberID, alarm.Alarm));
    }

    [Fact]
    public void PutAtTheQuota_Proposed()
    {
        Assert.Null(new BackendQuota(1000, new FixedSize(1000), Member).AlarmToRaise(Put));
    }

    [Fact]
    public void DeleteOverTheQuota_Proposed()
    {
        var delete = new ShardCommand { DeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("k") } };

        Assert.Null(new BackendQuota(1000, new FixedSize(5000), Member).AlarmToRaise(delete));
    }
}
