using GrainKv.Raft;
using GrainKv.Runtime.Cluster;

namespace GrainKv.Runtime.Tests.Cluster;

public sealed class RaftTransportTests
{
    private const string BatchMessages = "grainkv_silo_raft_batch_messages";
    private const string Dropped = "grainkv_silo_raft_messages_dropped_total";
    private const string StreamBreaks = "grainkv_silo_raft_stream_breaks_total";

    [Fact]
    public async Task Send_BurstToLivePeer_ArrivesInOrderInBatches()
    {
        var silos = ClusterTestSilo.FreePorts("a", "b");
        await using var a = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("a", silos));
        await using var b = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("b", silos));

        for (ulong i = 0; i < 500; i++) a.Raft.Send(b.Address, groupId: 7, Append(i));
        await ClusterTestSilo.EventuallyAsync(() => b.Sink.Count == 500, "b got all 500 messages");

        Assert.All(b.Sink.Delivered, d => Assert.Equal(7UL, d.GroupId));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (ulong)i), b.Sink.Delivered.Select(d => d.Message.Index));
        var batches = a.Metrics.Values(BatchMessages);
        Assert.Equal(500, batches.Sum());
        Assert.True(batches.Count < 500, $"{batches.Count} batches for 500 messages: none carried several");
    }

    [Fact]
    public async Task Send_PeerDownThenUp_DropsWhileDownAndDeliversLaterMessages()
    {
        var silos = ClusterTestSilo.FreePorts("a", "b");
        await using var a = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("a", silos),
            options => options.ReconnectDelayMin = TimeSpan.FromSeconds(1));
        var bAddress = a.Membership.FindByName("b")!.Address;

        a.Raft.Send(bAddress, 1, Append(0));
        await ClusterTestSilo.EventuallyAsync(() => a.Metrics.Sum(StreamBreaks) >= 1, "the stream to b failed to open");
        // Message 0 was either in flight when the stream broke (lost) or still queued (counted as a drop).
        var droppedBefore = a.Metrics.Sum(Dropped, "peer_unreachable");
        a.Raft.Send(bAddress, 1, Append(1));
        await ClusterTestSilo.EventuallyAsync(() => a.Metrics.Sum(Dropped, "peer_unreachable") > droppedBefore, "the message sent while b is down was dropped");

        await using var b = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("b", silos));
        ulong index = 2;
        await ClusterTestSilo.EventuallyAsync(() =>
        {
            a.Raft.Send(bAddress, 1, Append(index++));
            return b.Sink.Count > 0;
        }, "b got a message after it came up");

        Assert.All(b.Sink.Delivered, d => Assert.True(d.Message.Index >= 2, $"message {d.Message.Index} was sent while b was down"));
    }

    [Fact]
    public async Task Send_PeerRestarts_ReconnectsAndDeliversLaterMessages()
    {
        var silos = ClusterTestSilo.FreePorts("a", "b");
        await using var a = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("a", silos));
        var first = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("b", silos));
        a.Raft.Send(first.Address, 1, Append(0));
        await ClusterTestSilo.EventuallyAsync(() => first.Sink.Count == 1, "b got the first message");
        await first.DisposeAsync();

        await using var second = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("b", silos));
        ulong index = 1;
        await ClusterTestSilo.EventuallyAsync(() =>
        {
            a.Raft.Send(second.Address, 1, Append(index++));
            return second.Sink.Count > 0;
        }, "the restarted b got a message");

        Assert.True(a.Metrics.Sum(StreamBreaks) >= 1, "the stream to the stopped b never broke");
        Assert.All(second.Sink.Delivered, d => Assert.True(d.Message.Index >= 1));
    }

    [Fact]
    public async Task Send_FasterThanPeerDrains_DropsBeyondQueueBound()
    {
        const int sent = 20_000;
        var silos = ClusterTestSilo.FreePorts("a", "b");
        await using var a = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("a", silos), options => options.PeerQueueCapacity = 8);
        await using var b = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("b", silos));

        for (ulong i = 0; i < sent; i++) a.Raft.Send(b.Address, 1, Append(i, payloadBytes: 256));
        var dropped = a.Metrics.Sum(Dropped, "queue_full");
        await ClusterTestSilo.EventuallyAsync(() => b.Sink.Count == sent - dropped, "b got every message that was queued");

        Assert.True(dropped > 0, "no message was dropped: the queue grew past its bound");
    }

    [Fact]
    public async Task Send_ToSiloThatIsNoPeer_DropsAsNotAPeer()
    {
        var silos = ClusterTestSilo.FreePorts("a");
        await using var a = await ClusterTestSilo.StartAsync(ClusterTestSilo.MembershipOf("a", silos));

        a.Raft.Send(a.Address, 1, Append(0));
        a.Raft.Send(new PeerAddress("127.0.0.1", 1), 1, Append(1));

        Assert.Equal(2, a.Metrics.Sum(Dropped, "not_a_peer"));
    }

    private static Message Append(ulong index, int payloadBytes = 0)
    {
        var message = new Message { Type = MessageType.Append, To = 2, From = 1, Term = 1, Index = index };
        if (payloadBytes > 0) message.Entries.Add(new Entry { Term = 1, Index = index + 1, Data = Google.Protobuf.ByteString.CopyFrom(new byte[payloadBytes]) });
        return message;
    }
}
