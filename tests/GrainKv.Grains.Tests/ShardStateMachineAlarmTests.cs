using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Shard;
using GrainKv.Shard;
using AlarmAction = Etcdserverpb.AlarmRequest.Types.AlarmAction;

namespace GrainKv.Grains.Tests;

/// <summary>
/// etcd's capped applier: while NOSPACE is active the committed writes that need space are refused at apply;
/// reads, deletes, compaction and lease revokes still apply, and a disarm lifts the cap. Its corrupt applier:
/// while CORRUPT is active every write is refused, and alarms still apply.
/// </summary>
public sealed class ShardStateMachineAlarmTests
{
    private const ulong Member = 42;

    public static TheoryData<string, ShardCommand> WritesNeedingSpace => new()
    {
        { "put", new ShardCommand { Put = Put("b") } },
        { "txn put in success", new ShardCommand { Txn = new TxnRequest { Success = { new RequestOp { RequestPut = Put("b") } } } } },
        { "txn put in failure", new ShardCommand { Txn = new TxnRequest { Failure = { new RequestOp { RequestPut = Put("b") } } } } },
        { "lease grant", new ShardCommand { LeaseGrant = new LeaseGrantRequest { ID = 5, TTL = 60 } } },
    };

    [Theory, MemberData(nameof(WritesNeedingSpace))]
    public void Apply_WriteNeedingSpaceUnderNospace_IsRefusedAndChangesNothing(string what, ShardCommand command)
    {
        var state = StateWithKeyA();
        Alarm(state, AlarmAction.Activate);
        var revision = state.Revision;

        var reply = state.Apply(command, nowMs: 0);

        Assert.True(reply.Error == ShardError.NoSpace, what);
        Assert.Equal(revision, state.Revision);
        Assert.Empty(state.Read(new ShardRead { Range = new RangeRequest { Key = Key("b") } }).Range.Kvs);
    }

    [Fact]
    public void Apply_DeleteTxnCompactionAndRevokeUnderNospace_StillApply()
    {
        var state = StateWithKeyA();
        state.Apply(new ShardCommand { LeaseGrant = new LeaseGrantRequest { ID = 5, TTL = 60 } }, nowMs: 0);
        Alarm(state, AlarmAction.Activate);

        var txn = state.Apply(new ShardCommand { Txn = new TxnRequest { Success = { new RequestOp { RequestRange = new RangeRequest { Key = Key("a") } } } } }, 0);
        var delete = state.Apply(new ShardCommand { DeleteRange = new DeleteRangeRequest { Key = Key("a") } }, 0);
        var compaction = state.Apply(new ShardCommand { Compaction = new CompactionRequest { Revision = state.Revision } }, 0);
        var revoke = state.Apply(new ShardCommand { LeaseRevoke = new LeaseRevokeRequest { ID = 5 } }, 0);

        Assert.Equal(ShardError.None, txn.Error);
        Assert.Equal(1, delete.DeleteRange.Deleted);
        Assert.Equal(ShardError.None, compaction.Error);
        Assert.Equal(ShardError.None, revoke.Error);
    }

    /// <summary>etcd 3.4's txn cost counts only the txn's own puts, so its capped applier lets a nested put through.</summary>
    [Fact]
    public void Apply_NestedTxnPutUnderNospace_AppliesAsInEtcd()
    {
        var state = StateWithKeyA();
        Alarm(state, AlarmAction.Activate);

        var reply = state.Apply(new ShardCommand { Txn = new TxnRequest { Success = { new RequestOp { RequestTxn = new TxnRequest { Success = { new RequestOp { RequestPut = Put("b") } } } } } } }, 0);

        Assert.Equal(ShardError.None, reply.Error);
        Assert.Single(state.Read(new ShardRead { Range = new RangeRequest { Key = Key("b") } }).Range.Kvs);
    }

    [Fact]
    public void Apply_AfterNospaceIsDeactivated_TakesPutsAgain()
    {
        var state = StateWithKeyA();
        Alarm(state, AlarmAction.Activate);
        Assert.Equal(ShardError.NoSpace, state.Apply(new ShardCommand { Put = Put("b") }, 0).Error);

        var cleared = Alarm(state, AlarmAction.Deactivate);
        var put = state.Apply(new ShardCommand { Put = Put("b") }, 0);

        Assert.Equal([new AlarmMember { MemberID = Member, Alarm = AlarmType.Nospace }], cleared.Alarm.Alarms);
        Assert.Equal(ShardError.None, put.Error);
        Assert.Empty(state.Alarms);
    }

    public static TheoryData<string, ShardCommand> EveryWrite => new()
    {
        { "put", new ShardCommand { Put = Put("b") } },
        { "delete", new ShardCommand { DeleteRange = new DeleteRangeRequest { Key = Key("a") } } },
        { "txn", new ShardCommand { Txn = new TxnRequest { Success = { new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = Key("a") } } } } } },
        { "compaction", new ShardCommand { Compaction = new CompactionRequest { Revision = 1 } } },
        { "lease grant", new ShardCommand { LeaseGrant = new LeaseGrantRequest { ID = 6, TTL = 60 } } },
        { "lease revoke", new ShardCommand { LeaseRevoke = new LeaseRevokeRequest { ID = 5 } } },
    };

    /// <summary>etcd's corrupt applier refuses every write, those that free space too; reads are served around it.</summary>
    [Theory, MemberData(nameof(EveryWrite))]
    public void Apply_AnyWriteUnderCorrupt_IsRefusedAndChangesNothing(string what, ShardCommand command)
    {
        var state = StateWithKeyA();
        state.Apply(new ShardCommand { LeaseGrant = new LeaseGrantRequest { ID = 5, TTL = 60 } }, nowMs: 0);
        Alarm(state, AlarmAction.Activate, AlarmType.Corrupt);
        var (revision, compactRevision) = (state.Revision, state.CompactRevision);

        var reply = state.Apply(command, nowMs: 0);

        Assert.True(reply.Error == ShardError.Corrupt, what);
        Assert.Equal(revision, state.Revision);
        Assert.Equal(compactRevision, state.CompactRevision);
        Assert.Single(state.Read(new ShardRead { Range = new RangeRequest { Key = Key("a") } }).Range.Kvs);
        Assert.Equal([5L], state.ReadLease(new ShardRead { LeaseLeases = new LeaseLeasesRequest() }, 0).LeaseLeases.Leases.Select(l => l.ID));
    }

    [Fact]
    public void Apply_AfterCorruptIsDeactivated_TakesWritesAgain()
    {
        var state = StateWithKeyA();
        Alarm(state, AlarmAction.Activate, AlarmType.Corrupt);
        Alarm(state, AlarmAction.Activate);

        var listed = state.Apply(new ShardCommand { Alarm = new AlarmRequest { Action = AlarmAction.Get } }, 0);
        var cleared = Alarm(state, AlarmAction.Deactivate, AlarmType.Corrupt);
        var put = state.Apply(new ShardCommand { Put = Put("b") }, 0);
        var delete = state.Apply(new ShardCommand { DeleteRange = new DeleteRangeRequest { Key = Key("a") } }, 0);

        Assert.Equal(2, listed.Alarm.Alarms.Count);
        Assert.Equal([new AlarmMember { MemberID = Member, Alarm = AlarmType.Corrupt }], cleared.Alarm.Alarms);
        Assert.Equal(ShardError.NoSpace, put.Error);
        Assert.Equal(1, delete.DeleteRange.Deleted);
    }

    [Fact]
    public void RestoreSnapshot_OfAStateUnderNospace_KeepsTheAlarmAndTheCap()
    {
        var state = StateWithKeyA();
        Alarm(state, AlarmAction.Activate);
        using var snapshot = new MemoryStream();
        state.WriteSnapshot(snapshot);
        snapshot.Position = 0;

        var restored = new ShardStateMachine(minLeaseTtlSeconds: 1);
        restored.RestoreSnapshot(snapshot);

        Assert.Equal([new AlarmMember { MemberID = Member, Alarm = AlarmType.Nospace }], restored.Alarms);
        Assert.Equal(ShardError.NoSpace, restored.Apply(new ShardCommand { Put = Put("b") }, 0).Error);
        Assert.Equal("a", restored.Read(new ShardRead { Range = new RangeRequest { Key = Key("a") } }).Range.Kvs.Single().Key.ToStringUtf8());
    }

    [Fact]
    public void RestoreSnapshot_OverAStateUnderNospace_ReplacesItsAlarms()
    {
        var clean = StateWithKeyA();
        using var snapshot = new MemoryStream();
        clean.WriteSnapshot(snapshot);
        snapshot.Position = 0;
        var state = StateWithKeyA();
        Alarm(state, AlarmAction.Activate);

        state.RestoreSnapshot(snapshot);

        Assert.Empty(state.Alarms);
        Assert.Equal(ShardError.None, state.Apply(new ShardCommand { Put = Put("b") }, 0).Error);
    }

    private static ShardStateMachine StateWithKeyA()
    {
        var state = new ShardStateMachine(minLeaseTtlSeconds: 1);
        Assert.Equal(ShardError.None, state.Apply(new ShardCommand { Put = Put("a") }, 0).Error);
        return state;
    }

    private static ShardReply Alarm(ShardStateMachine state, AlarmAction action, AlarmType type = AlarmType.Nospace) =>
        state.Apply(new ShardCommand { Alarm = new AlarmRequest { Action = action, MemberID = Member, Alarm = type } }, 0);

    private static PutRequest Put(string key) => new() { Key = Key(key), Value = ByteString.CopyFromUtf8("v") };

    private static ByteString Key(string key) => ByteString.CopyFromUtf8(key);
}
