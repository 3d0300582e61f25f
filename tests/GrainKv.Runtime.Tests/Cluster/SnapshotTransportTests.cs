using Google.Protobuf;
using GrainKv.Raft;

namespace GrainKv.Runtime.Tests.Cluster;

public sealed class SnapshotTransportTests
{
    private const string ChunksSent = "grainkv_silo_raft_snapshot_chunks_sent_total";
    private const string Dropped = "grainkv_silo_raft_messages_dropped_total";
    private const int ChunkBytes = 16 * 1024;

    [Fact]
    public async Task Send_SnapshotOfManyChunks_ArrivesWholeOnceWithOtherGroupsBetweenItsChunks()
    {
        var silos = ClusterTestSilo.FreePorts("a", "b");
        await using var a = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("a", silos), SmallChunks);
        await using var b = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("b", silos));
        var snapshot = Snapshot(index: 10, dataBytes: 256 * ChunkBytes + 5);

        a.Raft.Send(b.Address, groupId: 1, snapshot);
        a.Raft.Send(b.Address, groupId: 1, Heartbeat(0));
        for (ulong i = 0; i < 100; i++) a.Raft.Send(b.Address, groupId: 2, Heartbeat(i));
        await ClusterTestSilo.EventuallyAsync(() => b.Sink.Count == 102, "b got the snapshot and every heartbeat");

        var delivered = b.Sink.Delivered;
        Assert.Equal([snapshot, Heartbeat(0)], delivered.Where(d => d.GroupId == 1).Select(d => d.Message));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (ulong)i), delivered.Where(d => d.GroupId == 2).Select(d => d.Message.Index));
        var snapshotAt = delivered.ToList().FindIndex(d => d.GroupId == 1);
        Assert.True(snapshotAt > 0, "no heartbeat of group 2, sent after the snapshot, arrived before its last chunk");
        Assert.Equal(257, a.Metrics.Sum(ChunksSent));
    }

    [Fact]
    public async Task Send_StreamBreaksMidSnapshot_DeliversNoPartOfItAndTheNextSnapshotWhole()
    {
        const int chunks = 2048;
        var silos = ClusterTestSilo.FreePorts("a", "b");
        await using var a = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("a", silos), SmallChunks);
        var first = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("b", silos));
        first.Sink.HeldGroup = 99;

        // b stops reading at the heartbeat, so flow control stops a with the snapshot part written; then b goes away.
        a.Raft.Send(first.Address, groupId: 99, Heartbeat(0));
        a.Raft.Send(first.Address, groupId: 1, Snapshot(index: 10, dataBytes: chunks * ChunkBytes));
        await ClusterTestSilo.EventuallyAsync(() => a.Metrics.Sum(ChunksSent) >= 1, "a started sending the snapshot");
        await first.KillAsync();
        first.Sink.Released.Set();
        await first.DisposeAsync();
        await ClusterTestSilo.EventuallyAsync(() => a.Metrics.Sum(Dropped, "peer_unreachable") >= 1, "a dropped the rest of the snapshot");
        var chunksBeforeBreak = a.Metrics.Sum(ChunksSent);

        await using var second = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("b", silos));
        ulong index = 1;
        await ClusterTestSilo.EventuallyAsync(() =>
        {
            a.Raft.Send(second.Address, groupId: 2, Heartbeat(index++));
            return second.Sink.Count > 0;
        }, "a reconnected to the restarted b");
        var next = Snapshot(index: 20, dataBytes: chunks * ChunkBytes);
        a.Raft.Send(second.Address, groupId: 1, next);
        await ClusterTestSilo.EventuallyAsync(() => second.Sink.Delivered.Any(d => d.GroupId == 1), "b got the next snapshot");

        Assert.True(chunksBeforeBreak < chunks, $"all {chunks} chunks were written before the break");
        Assert.DoesNotContain(first.Sink.Delivered, d => d.GroupId == 1);
        Assert.Equal([next], second.Sink.Delivered.Where(d => d.GroupId == 1).Select(d => d.Message));
        Assert.Equal(chunksBeforeBreak + chunks, a.Metrics.Sum(ChunksSent));
    }

    private static void SmallChunks(Runtime.Cluster.SiloClusterOptions options)
    {
        options.SnapshotChunkBytes = ChunkBytes;
        options.RaftBatchBytesMax = ChunkBytes;
    }

    private static Message Snapshot(ulong index, int dataBytes)
    {
        var data = new byte[dataBytes];
        new Random((int)index).NextBytes(data);
        return new Message
        {
            Type = MessageType.InstallSnapshot, To = 2, From = 1, Term = 1,
            Snapshot = new Snapshot { Metadata = new SnapshotMetadata { Index = index, Term = 1 }, Data = ByteString.CopyFrom(data) },
        };
    }

    private static Message Heartbeat(ulong index) => new() { Type = MessageType.Heartbeat, To = 2, From = 1, Term = 1, Index = index };
}
