using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Shard;
using GrainKv.Shard;

namespace GrainKv.Grains.Tests;

/// <summary>
/// Group 0's revision oracle and the shards' stamped writes: blocks strictly after one another, kept by snapshots, and
/// a write stamped with a revision its shard has passed refused whole.
/// </summary>
public sealed class RevisionOracleTests
{
    [Fact]
    public void Allocate_BlocksFollowOneAnother_StartingAfterEtcdsInitialRevision()
    {
        var oracle = new RevisionOracle();

        var first = oracle.Allocate(3);
        var second = oracle.Allocate(1);
        var clamped = oracle.Allocate(0);

        Assert.Equal((2L, 4L), (first.First, first.Last));
        Assert.Equal((5L, 5L), (second.First, second.Last));
        Assert.Equal((6L, 6L), (clamped.First, clamped.Last));
        Assert.Equal(6, oracle.Allocated);
    }

    [Fact]
    public void Allocate_ThroughTheStateMachine_SurvivesASnapshot()
    {
        var state = new ShardStateMachine(minLeaseTtlSeconds: 1);
        var block = state.Apply(Allocate(10), nowMs: 0).Revisions;

        var restored = new ShardStateMachine(minLeaseTtlSeconds: 1);
        using (var snapshot = new MemoryStream())
        {
            state.WriteSnapshot(snapshot);
            snapshot.Position = 0;
            restored.RestoreSnapshot(snapshot);
        }

        Assert.Equal((2L, 11L), (block.First, block.Last));
        Assert.Equal(12, restored.Apply(Allocate(1), nowMs: 0).Revisions.First);
    }

    [Fact]
    public void Restore_SnapshotFromBeforeTheOracle_StartsItFresh()
    {
        var state = new ShardStateMachine(minLeaseTtlSeconds: 1);
        state.Apply(Allocate(5), nowMs: 0);
        using var snapshot = new MemoryStream();
        state.WriteSnapshot(snapshot);
        var withoutOracle = snapshot.ToArray()[..^OracleSectionBytes()];

        var restored = new ShardStateMachine(minLeaseTtlSeconds: 1);
        restored.RestoreSnapshot(new MemoryStream(withoutOracle));

        Assert.Equal(2, restored.Apply(Allocate(1), nowMs: 0).Revisions.First);
    }

    [Fact]
    public void Apply_StampedWrites_CommitAtTheirStamps_AndOneStampedTooLateIsRefusedWhole()
    {
        var state = new ShardStateMachine(minLeaseTtlSeconds: 1);

        var put = state.Apply(new ShardCommand { Revision = 40, Put = Put("a") }, nowMs: 0);
        var late = state.Apply(new ShardCommand { Revision = 40, Txn = new TxnRequest { Success = { new RequestOp { RequestPut = Put("b") } } } }, nowMs: 0);
        var next = state.Apply(new ShardCommand { Revision = 57, DeleteRange = new DeleteRangeRequest { Key = Key("a") } }, nowMs: 0);

        Assert.Equal(40, put.Put.Header.Revision);
        Assert.Equal(ShardError.StaleRevision, late.Error);
        Assert.Empty(state.Read(new ShardRead { Range = new RangeRequest { Key = Key("b") } }).Range.Kvs);
        Assert.Equal(57, next.DeleteRange.Header.Revision);
        Assert.Equal(57, state.Revision);
    }

    [Fact]
    public void Apply_StampedWriteRefusedBeforeWriting_LeavesTheStampForNoOne()
    {
        var state = new ShardStateMachine(minLeaseTtlSeconds: 1);

        var refused = state.Apply(new ShardCommand { Revision = 9, Put = new PutRequest { Key = Key("a"), Value = Key("v"), Lease = 123 } }, nowMs: 0);
        var unstamped = state.Apply(new ShardCommand { Put = Put("a") }, nowMs: 0);

        Assert.Equal(ShardError.LeaseNotFound, refused.Error);
        Assert.Equal(2, unstamped.Put.Header.Revision);
    }

    [Fact]
    public void Apply_StampedCompaction_MayBeAtAnyRevisionHandedOutBeforeItsStamp()
    {
        var state = new ShardStateMachine(minLeaseTtlSeconds: 1);
        state.Apply(new ShardCommand { Revision = 5, Put = Put("a") }, nowMs: 0);

        var future = state.Apply(new ShardCommand { Revision = 20, Compaction = new CompactionRequest { Revision = 20 } }, nowMs: 0);
        var handedOut = state.Apply(new ShardCommand { Revision = 21, Compaction = new CompactionRequest { Revision = 15 } }, nowMs: 0);

        Assert.Equal(ShardError.FutureRevision, future.Error);
        Assert.Equal(ShardError.None, handedOut.Error);
        Assert.Equal(15, state.CompactRevision);
        Assert.Single(state.Read(new ShardRead { Range = new RangeRequest { Key = Key("a") } }).Range.Kvs);
    }

    private static int OracleSectionBytes()
    {
        using var section = new MemoryStream();
        new RevisionOracle().WriteSnapshot(section);
        return (int)section.Length;
    }

    private static ShardCommand Allocate(uint count) => new() { AllocateRevisions = new AllocateRevisions { Count = count } };

    private static ByteString Key(string text) => ByteString.CopyFromUtf8(text);

    private static PutRequest Put(string key) => new() { Key = Key(key), Value = Key("v") };
}
