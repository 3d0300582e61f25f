using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Cluster;
using GrainKv.Grains.Replication;
using GrainKv.Grains.Shard;
using GrainKv.Mvcc;
using GrainKv.Raft;
using GrainKv.Shard;
using GrainKv.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Grains.Tests;

/// <summary>What Maintenance.Snapshot and Hash read from a replica: its applied state, as its Raft snapshots hold it.</summary>
public sealed class ReplicaCoreImageTests
{
    private const ulong Leader = 1;
    private const ulong Term = 1;

    [Fact]
    public void TakeImage_AfterAppliedEntries_IsTheStateAtTheAppliedIndexInRaftSnapshotBytes()
    {
        var core = Follower(replicaId: 2);
        Receive(core, Append(from: 1, count: 4));

        var image = core.TakeImage();

        Assert.Equal(2UL, image.ReplicaId);
        Assert.Equal(4UL, image.AppliedIndex);
        Assert.Equal(5L, image.Revision);
        var restored = new ShardStateMachine(minLeaseTtlSeconds: 1);
        restored.RestoreSnapshot(new MemoryStream(image.State.ToByteArray()));
        var range = restored.Read(new ShardRead { Range = new RangeRequest { Key = ByteString.CopyFromUtf8("k"), RangeEnd = ByteString.CopyFromUtf8("l") } });
        Assert.Equal(["k1", "k2", "k3", "k4"], range.Range.Kvs.Select(kv => kv.Key.ToStringUtf8()));
    }

    [Fact]
    public void Hash_IsTheCrc32OfTheImageState()
    {
        var core = Follower(replicaId: 2);
        Receive(core, Append(from: 1, count: 3));

        using var crc = new Crc32Stream();
        crc.Write(core.TakeImage().State.Span);

        Assert.Equal(crc.Value, core.Hash().Hash);
    }

    [Fact]
    public void Hash_ReplicasAtTheSameAppliedIndex_AgreeAndAFurtherWriteChangesIt()
    {
        var second = Follower(replicaId: 2);
        var third = Follower(replicaId: 3);
        Receive(second, Append(from: 1, count: 3));
        Receive(third, Append(from: 1, count: 3));

        var agreed = second.Hash();
        Assert.Equal(agreed.Hash, third.Hash().Hash);
        Assert.Equal(agreed.AppliedIndex, third.Hash().AppliedIndex);

        Receive(second, Append(from: 4, count: 1));
        Assert.NotEqual(agreed.Hash, second.Hash().Hash);
    }

    private static void Receive(ReplicaCore core, Message append)
    {
        append.To = core.Key.ReplicaId;
        core.Step(append);
        var ready = core.TakeReady()!;
        core.Apply(ready);
        core.Advance(ready);
    }

    private static ReplicaCore Follower(ulong replicaId)
    {
        var config = new RaftConfig { Id = replicaId, InitialVoters = [1, 2, 3] };
        return RecoveredReplica.From(new ReplicaKey(1, replicaId), 1, StoredGroupState.Empty, config, new SeededRandomSource(replicaId), NullLogger.Instance,
            new ClusterIdentity(1, replicaId, "follower", [], [], []), new ReplicaTiming(() => 0, 1000, 1000)).Core;
    }

    /// <summary>Entries <paramref name="from"/> on, each a put of "k{index}", all committed.</summary>
    private static Message Append(int from, int count)
    {
        var last = from + count - 1;
        var append = new Message
        {
            Type = MessageType.Append, From = Leader, Term = Term, Index = (ulong)(from - 1), LogTerm = from == 1 ? 0 : Term, Commit = (ulong)last,
        };
        for (var index = from; index <= last; index++)
        {
            var put = new ShardCommand { Put = new PutRequest { Key = ByteString.CopyFromUtf8($"k{index}"), Value = ByteString.CopyFromUtf8("v") } };
            append.Entries.Add(new Entry { Index = (ulong)index, Term = Term, Type = EntryType.EntryNormal, Data = put.ToByteString() });
        }
        return append;
    }
}
