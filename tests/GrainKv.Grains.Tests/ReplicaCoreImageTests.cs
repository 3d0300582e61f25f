using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Replication;
using GrainKv.Grains.Shard;
using GrainKv.Mvcc;
using GrainKv.Shard;
using static GrainKv.Grains.Tests.FollowerReplicas;

namespace GrainKv.Grains.Tests;

/// <summary>What Maintenance.Snapshot and Hash read from a replica: its applied state, as its Raft snapshots hold it.</summary>
public sealed class ReplicaCoreImageTests
{
    [Fact]
    public void TakeImage_AfterAppliedEntries_IsTheStateAtTheAppliedIndexInRaftSnapshotBytes()
    {
        var core = Follower(replicaId: 2);
        Receive(core, from: 1, count: 4);

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
        Receive(core, from: 1, count: 3);

        using var crc = new Crc32Stream();
        crc.Write(core.TakeImage().State.Span);

        Assert.Equal(crc.Value, core.Hash().Hash);
    }

    [Fact]
    public void Hash_ReplicasAtTheSameAppliedIndex_AgreeAndAFurtherWriteChangesIt()
    {
        var second = Follower(replicaId: 2);
        var third = Follower(replicaId: 3);
        Receive(second, from: 1, count: 3);
        Receive(third, from: 1, count: 3);

        var agreed = second.Hash();
        Assert.Equal(agreed.Hash, third.Hash().Hash);
        Assert.Equal(agreed.AppliedIndex, third.Hash().AppliedIndex);

        Receive(second, from: 4, count: 1);
        Assert.NotEqual(agreed.Hash, second.Hash().Hash);
    }
}
