using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Grains.Shard;
using GrainKv.Raft;
using GrainKv.Shard;
using GrainKv.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Grains.Tests;

/// <summary>
/// A follower's <see cref="ReplicaCore"/> driven by hand in the order ReplicaDriver drives it, with
/// a message from the leader arriving while a batch's write is in flight (the lock simulation
/// found this with a hung disk).
/// </summary>
public sealed class ReplicaCoreSnapshotTests
{
    private const ulong Leader = 1;
    private const ulong Term = 1;

    [Fact]
    public void TakeSnapshotIfDue_LeaderSnapshotArrivesWhileAWriteIsInFlight_TakesNoneAndInstallsTheLeaders()
    {
        var core = Follower(snapshotCount: 3);
        core.Step(Append(count: 5));
        var inFlight = core.TakeReady()!;
        core.Apply(inFlight);

        core.Step(InstallSnapshot(index: 10));
        core.Advance(inFlight);
        var ownSnapshot = core.TakeSnapshotIfDue();
        var install = core.TakeReady()!;
        core.Apply(install);
        core.Advance(install);

        Assert.Null(ownSnapshot);
        Assert.Equal(10UL, install.Snapshot?.Metadata.Index);
        Assert.Equal(10UL, core.GetStatus().AppliedIndex);
    }

    private static ReplicaCore Follower(long snapshotCount)
    {
        var config = new RaftConfig { Id = 2, InitialVoters = [1, 2, 3] };
        return RecoveredReplica.From(new ReplicaKey(1, 2), 1, StoredGroupState.Empty, config, new SeededRandomSource(1), NullLogger.Instance,
            new ClusterIdentity(1, 2, "follower", [], [], []), new ReplicaTiming(() => 0, 1000, snapshotCount)).Core;
    }

    private static Message Append(int count)
    {
        var append = new Message { Type = MessageType.Append, From = Leader, To = 2, Term = Term, Index = 0, LogTerm = 0, Commit = (ulong)count };
        for (var index = 1; index <= count; index++)
        {
            append.Entries.Add(new Entry { Index = (ulong)index, Term = Term, Type = EntryType.EntryNormal, Data = Put($"k{index}").ToByteString() });
        }
        return append;
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

    private static ShardCommand Put(string key) => new() { Put = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8("v") } };
}
