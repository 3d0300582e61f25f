using Etcdserverpb;
using GrainKv.Grains.Shard;
using AlarmAction = Etcdserverpb.AlarmRequest.Types.AlarmAction;

namespace GrainKv.Grains.Tests;

/// <summary>etcd's alarm store semantics, as the alarm commands committed to a shard apply them.</summary>
public sealed class AlarmTableTests
{
    [Fact]
    public void Activate_NewOrAlreadyActive_AnswersTheAlarmAndKeepsOneCopy()
    {
        var table = new AlarmTable();

        var first = table.Apply(Request(AlarmAction.Activate, 7, AlarmType.Nospace));
        var again = table.Apply(Request(AlarmAction.Activate, 7, AlarmType.Nospace));

        Assert.Equal([Member(7, AlarmType.Nospace)], first.Alarms);
        Assert.Equal([Member(7, AlarmType.Nospace)], again.Alarms);
        Assert.Equal([Member(7, AlarmType.Nospace)], table.Active);
        Assert.True(table.IsActive(AlarmType.Nospace));
        Assert.False(table.IsActive(AlarmType.Corrupt));
    }

    [Fact]
    public void Get_FiltersByTypeUnlessNone_AndIgnoresTheMember()
    {
        var table = new AlarmTable();
        table.Apply(Request(AlarmAction.Activate, 9, AlarmType.Nospace));
        table.Apply(Request(AlarmAction.Activate, 3, AlarmType.Corrupt));
        table.Apply(Request(AlarmAction.Activate, 3, AlarmType.Nospace));

        Assert.Equal([Member(3, AlarmType.Nospace), Member(9, AlarmType.Nospace), Member(3, AlarmType.Corrupt)],
            table.Apply(Request(AlarmAction.Get, 0, AlarmType.None)).Alarms);
        Assert.Equal([Member(3, AlarmType.Corrupt)], table.Apply(Request(AlarmAction.Get, 9, AlarmType.Corrupt)).Alarms);
        Assert.Equal([Member(3, AlarmType.Nospace), Member(9, AlarmType.Nospace)], table.Apply(Request(AlarmAction.Get, 1, AlarmType.Nospace)).Alarms);
    }

    [Fact]
    public void Deactivate_AnswersTheClearedAlarm_OrNothingWhenItWasNotActive()
    {
        var table = new AlarmTable();
        table.Apply(Request(AlarmAction.Activate, 7, AlarmType.Nospace));

        var otherMember = table.Apply(Request(AlarmAction.Deactivate, 8, AlarmType.Nospace));
        var cleared = table.Apply(Request(AlarmAction.Deactivate, 7, AlarmType.Nospace));
        var again = table.Apply(Request(AlarmAction.Deactivate, 7, AlarmType.Nospace));

        Assert.Empty(otherMember.Alarms);
        Assert.Equal([Member(7, AlarmType.Nospace)], cleared.Alarms);
        Assert.Empty(again.Alarms);
        Assert.Empty(table.Active);
        Assert.False(table.IsActive(AlarmType.Nospace));
    }

    [Fact]
    public void Snapshot_RoundTrip_RestoresEveryAlarmAndReadsExactlyItsBytes()
    {
        var table = new AlarmTable();
        table.Apply(Request(AlarmAction.Activate, ulong.MaxValue, AlarmType.Nospace));
        table.Apply(Request(AlarmAction.Activate, 2, AlarmType.Corrupt));
        using var stream = new MemoryStream();
        table.WriteSnapshot(stream);
        stream.WriteByte(0x5A);
        stream.Position = 0;

        var restored = AlarmTable.Restore(stream);

        Assert.Equal(table.Active, restored.Active);
        Assert.Equal(0x5A, stream.ReadByte());
    }

    [Fact]
    public void Restore_AtTheEndOfASnapshotFromBeforeAlarms_HasNoAlarms()
    {
        using var stream = new MemoryStream([1, 2, 3]);
        stream.Position = 3;

        Assert.Empty(AlarmTable.Restore(stream).Active);
    }

    [Fact]
    public void Restore_OfBytesThatAreNoAlarmSection_Throws()
    {
        using var stream = new MemoryStream([1, 2, 3, 4, 5]);

        Assert.Throws<InvalidDataException>(() => AlarmTable.Restore(stream));
    }

    private static AlarmRequest Request(AlarmAction action, ulong memberId, AlarmType type) => new() { Action = action, MemberID = memberId, Alarm = type };

    private static AlarmMember Member(ulong memberId, AlarmType type) => new() { MemberID = memberId, Alarm = type };
}
