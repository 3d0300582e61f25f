using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Replication;
using GrainKv.Grains.Shard;
using GrainKv.Raft;
using GrainKv.Shard;
using static GrainKv.Grains.Tests.FollowerReplicas;

namespace GrainKv.Grains.Tests;

/// <summary>
/// A follower's <see cref="ReplicaCore"/> driven by hand in the order ReplicaDriver drives it, with
/// a message from the leader arriving while a batch's write is in flight (the lock simulation
/// found this with a hung disk).
/// </summary>
public sealed class ReplicaCoreSnapshotTests
{
    [Fact]
    public void CaptureSnapshotIfDue_LeaderSnapshotArrivesWhileAWriteIsInFlight_TakesNoneAndInstallsTheLeaders()
    {
        var core = Follower(snapshotCount: 3);
        core.Step(Append(to: 2, from: 1, count: 5));
        var inFlight = core.TakeReady()!;
        core.Apply(inFlight);

        core.Step(InstallSnapshot(index: 10));
        core.Advance(inFlight);
        var ownSnapshot = core.CaptureSnapshotIfDue();
        var install = core.TakeReady()!;
        core.Apply(install);
        core.Advance(install);

        Assert.Null(ownSnapshot);
        Assert.Equal(10UL, install.Snapshot?.Metadata.Index);
        Assert.Equal(10UL, core.GetStatus().AppliedIndex);
    }

    [Fact]
    public void WouldCompactTheLog_ALeaderSnapshotInstalledWhileOursWasBeingSaved_IsFalseForOurs()
    {
        var core = Follower(snapshotCount: 3);
        Receive(core, from: 1, count: 5);
        var own = core.CaptureSnapshotIfDue()!;
        Assert.True(core.WouldCompactTheLog(own.Metadata.Index));

        core.Step(InstallSnapshot(index: 10));
        var install = core.TakeReady()!;
        core.Apply(install);
        core.Advance(install);

        Assert.Equal(5UL, own.Metadata.Index);
        Assert.False(core.WouldCompactTheLog(own.Metadata.Index));
    }

    [Fact]
    public void CaptureSnapshotIfDue_WritesTheStateOfTheInstantItWasTaken_NotOneChangedAfter()
    {
        var core = Follower(snapshotCount: 3);
        Receive(core, from: 1, count: 3);
        var capture = core.CaptureSnapshotIfDue()!;
        using var expected = new MemoryStream();
        capture.State.WriteTo(expected);

        Receive(core, from: 4, count: 5);
        var written = capture.Write();

        Assert.Equal(3UL, written.Metadata.Index);
        Assert.Equal(expected.ToArray(), written.Data.ToByteArray());
        var restored = new ShardStateMachine(minLeaseTtlSeconds: 1);
        restored.RestoreSnapshot(new MemoryStream(written.Data.ToByteArray()));
        Assert.Equal(4, restored.Revision);
    }

    [Fact]
    public void CaptureSnapshotIfDue_AfterASnapshot_WaitsPastTheCountUntilTheEntriesSinceWeighAsMuchAsIt()
    {
        var core = Follower(snapshotCount: 3);
        Receive(core, from: 1, count: 3);
        var first = core.CaptureSnapshotIfDue()!.Write();
        core.SnapshotPersisted(first);

        var index = 4;
        long bytesSince = 0;
        for (; bytesSince + Put($"k{index}").CalculateSize() < first.Data.Length; index++)
        {
            Receive(core, from: index, count: 1);
            bytesSince += Put($"k{index}").CalculateSize();
            Assert.Null(core.CaptureSnapshotIfDue());
        }
        Receive(core, from: index, count: 1);
        var second = core.CaptureSnapshotIfDue();

        Assert.True(index - 4 >= 3, $"the first snapshot ({first.Data.Length} bytes) should outweigh three puts");
        Assert.Equal((ulong)index, second?.Metadata.Index);
    }

    [Fact]
    public void CaptureSnapshotIfDue_ACompactionSinceTheLastSnapshot_MakesOneDueByCountAlone()
    {
        var core = Follower(snapshotCount: 3);
        Receive(core, from: 1, count: 3);
        core.SnapshotPersisted(core.CaptureSnapshotIfDue()!.Write());

        Receive(core, from: 4, count: 1, _ => new ShardCommand { Compaction = new CompactionRequest { Revision = 3 } });
        Receive(core, from: 5, count: 1);
        Assert.Null(core.CaptureSnapshotIfDue());
        Receive(core, from: 6, count: 1);

        Assert.Equal(6UL, core.CaptureSnapshotIfDue()?.Metadata.Index);
    }

    /// <summary>The leader compacted its log past what the follower has and sends its state at <paramref name="index"/> instead.</summary>
    private static Message InstallSnapshot(ulong index)
    {
        var state = new ShardStateMachine(minLeaseTtlSeconds: 1);
        for (var i = 1UL; i <= index; i++) state.Apply(Put($"k{i}"), nowMs: 0);
        using var data = new MemoryStream();
        state.WriteSnapshot(data);
        var snapshot = new Snapshot
        {
            Metadata = new SnapshotMetadata { Index = index, Term = Term, ConfState = new ConfState { Voters = { 1, 2, 3 } } },
            Data = ByteString.CopyFrom(data.ToArray()),
        };
        return new Message { Type = MessageType.InstallSnapshot, From = Leader, To = 2, Term = Term, Snapshot = snapshot };
    }

}
