using Google.Protobuf;
using GrainKv.Raft;
using GrainKv.Runtime.Cluster;
using GrainKv.Silo.Protocol;

namespace GrainKv.Runtime.Tests.Cluster;

public sealed class SnapshotReassemblyTests
{
    private const int ChunkBytes = 10;

    [Fact]
    public void Add_AllChunksInOrder_ReturnsTheSentMessageOnTheLastOnly()
    {
        var sent = Snapshot(index: 7, dataBytes: 35);
        var reassembly = new SnapshotReassembly(bufferedBytesMax: 1000);
        var chunks = Chunks(sent);

        Assert.Equal(4, chunks.Count);
        Assert.All(chunks[..^1], chunk => Assert.Null(reassembly.Add(1, chunk)));
        Assert.Equal(35, reassembly.BufferedBytes);
        var whole = reassembly.Add(1, chunks[^1]);

        Assert.Equal(sent, whole);
        Assert.Equal(0, reassembly.BufferedBytes);
        Assert.Equal(0, reassembly.PartialCount);
        Assert.Equal(0, reassembly.Discarded);
    }

    [Fact]
    public void Chunks_OfSharedSnapshot_LeaveTheSentMessageUnchanged()
    {
        var sent = Snapshot(index: 7, dataBytes: 35);
        var copy = sent.Clone();

        Chunks(sent);

        Assert.Equal(copy, sent);
    }

    [Fact]
    public void Add_TwoGroupsInterleaved_ReassemblesEach()
    {
        var first = Snapshot(index: 1, dataBytes: 25);
        var second = Snapshot(index: 2, dataBytes: 25);
        var reassembly = new SnapshotReassembly(bufferedBytesMax: 1000);
        var firstChunks = Chunks(first);
        var secondChunks = Chunks(second);

        var delivered = new List<Message>();
        for (var i = 0; i < firstChunks.Count; i++)
        {
            if (reassembly.Add(1, firstChunks[i]) is { } a) delivered.Add(a);
            if (reassembly.Add(2, secondChunks[i]) is { } b) delivered.Add(b);
        }

        Assert.Equal([first, second], delivered);
    }

    [Fact]
    public void Add_ChunkMissing_DiscardsThePartialSnapshotAndIgnoresTheRest()
    {
        var chunks = Chunks(Snapshot(index: 7, dataBytes: 35));
        var reassembly = new SnapshotReassembly(bufferedBytesMax: 1000);

        Assert.Null(reassembly.Add(1, chunks[0]));
        Assert.Null(reassembly.Add(1, chunks[2]));
        Assert.Null(reassembly.Add(1, chunks[3]));

        Assert.Equal(1, reassembly.Discarded);
        Assert.Equal(0, reassembly.PartialCount);
        Assert.Equal(0, reassembly.BufferedBytes);
    }

    [Fact]
    public void Add_ChunksOutOfOrder_DeliversNothing()
    {
        var chunks = Chunks(Snapshot(index: 7, dataBytes: 35));
        var reassembly = new SnapshotReassembly(bufferedBytesMax: 1000);

        Assert.All(new[] { chunks[0], chunks[2], chunks[1], chunks[3] }, chunk => Assert.Null(reassembly.Add(1, chunk)));

        Assert.Equal(0, reassembly.PartialCount);
    }

    [Fact]
    public void Add_ChunkWithoutFirstChunk_IsIgnored()
    {
        var chunks = Chunks(Snapshot(index: 7, dataBytes: 35));
        var reassembly = new SnapshotReassembly(bufferedBytesMax: 1000);

        Assert.All(chunks[1..], chunk => Assert.Null(reassembly.Add(1, chunk)));

        Assert.Equal(0, reassembly.PartialCount);
    }

    [Fact]
    public void Add_ChunkPastTheDeclaredLength_DiscardsThePartialSnapshot()
    {
        var chunks = Chunks(Snapshot(index: 7, dataBytes: 35));
        var reassembly = new SnapshotReassembly(bufferedBytesMax: 1000);
        var tooLong = chunks[3].Clone();
        tooLong.Data = ByteString.CopyFrom(new byte[ChunkBytes]);

        foreach (var chunk in chunks[..3]) reassembly.Add(1, chunk);

        Assert.Null(reassembly.Add(1, tooLong));
        Assert.Equal(1, reassembly.Discarded);
        Assert.Equal(0, reassembly.BufferedBytes);
    }

    [Fact]
    public void Add_NewerSnapshotOfTheGroup_ReplacesThePartialOlderOne()
    {
        var older = Chunks(Snapshot(index: 7, dataBytes: 35));
        var newer = Snapshot(index: 9, dataBytes: 22);
        var reassembly = new SnapshotReassembly(bufferedBytesMax: 1000);

        reassembly.Add(1, older[0]);
        reassembly.Add(1, older[1]);
        var delivered = Chunks(newer).Select(chunk => reassembly.Add(1, chunk)).OfType<Message>().ToList();

        Assert.Equal([newer], delivered);
        Assert.Null(reassembly.Add(1, older[2]));
        Assert.Equal(1, reassembly.Discarded);
        Assert.Equal(0, reassembly.BufferedBytes);
    }

    [Fact]
    public void Add_StartPastTheBound_DiscardsThePartialSnapshotLeastRecentlyFed()
    {
        var stale = Chunks(Snapshot(index: 1, dataBytes: 40));
        var live = Snapshot(index: 2, dataBytes: 40);
        var liveChunks = Chunks(live);
        var latest = Snapshot(index: 3, dataBytes: 40);
        var reassembly = new SnapshotReassembly(bufferedBytesMax: 100);

        reassembly.Add(1, stale[0]);
        reassembly.Add(2, liveChunks[0]);
        reassembly.Add(2, liveChunks[1]);
        reassembly.Add(3, Chunks(latest)[0]);

        Assert.Equal(80, reassembly.BufferedBytes);
        Assert.Equal(1, reassembly.Discarded);
        Assert.Null(reassembly.Add(1, stale[1]));
        Assert.Null(reassembly.Add(2, liveChunks[2]));
        Assert.Equal(live, reassembly.Add(2, liveChunks[3]));
    }

    [Fact]
    public void Add_SnapshotLargerThanTheBound_IsRefusedWithoutAllocating()
    {
        var chunks = Chunks(Snapshot(index: 7, dataBytes: 101));
        var reassembly = new SnapshotReassembly(bufferedBytesMax: 100);

        Assert.All(chunks, chunk => Assert.Null(reassembly.Add(1, chunk)));

        Assert.Equal(0, reassembly.BufferedBytes);
        Assert.Equal(1, reassembly.Discarded);
    }

    private static Message Snapshot(ulong index, int dataBytes)
    {
        var data = new byte[dataBytes];
        new Random((int)index).NextBytes(data);
        return new Message
        {
            Type = MessageType.InstallSnapshot, To = 2, From = 1, Term = 3,
            Snapshot = new Snapshot
            {
                Metadata = new SnapshotMetadata { Index = index, Term = 3, ConfState = new ConfState { Voters = { 1, 2, 3 } } },
                Data = ByteString.CopyFrom(data),
            },
        };
    }

    /// <summary>The chunks the sending side makes of <paramref name="message"/>.</summary>
    private static List<SnapshotChunk> Chunks(Message message)
    {
        var envelope = new RaftEnvelope { GroupId = 1, Message = message };
        Assert.True(OutgoingSnapshot.NeedsChunks(envelope, ChunkBytes));
        var outgoing = new OutgoingSnapshot(envelope, ChunkBytes);
        var chunks = new List<SnapshotChunk>();
        while (!outgoing.IsSent) chunks.Add(outgoing.NextChunk().SnapshotChunk);
        return chunks;
    }
}
