using Google.Protobuf;
using GrainKv.Testing.Raft;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Raft.Tests.Harness;

/// <summary>
/// A <see cref="RaftNode"/> with the shell a replica would give it: durable storage, a state machine
/// that records the applied entries, and ready handling in the order <see cref="RaftReady"/> asks for.
/// </summary>
public sealed class TestNode : IRaftReplicaView
{
    private readonly List<Entry> _applied = [];

    public TestNode(RaftConfig config, ulong seed, MemoryRaftStorage? storage = null)
    {
        Config = config;
        Storage = storage ?? new MemoryRaftStorage();
        Node = new RaftNode(config, Storage.Load(), new SeededRandomSource(seed), NullLogger.Instance);
        if (Storage.Snapshot is { } snapshot) RestoreStateMachine(snapshot);
    }

    public RaftConfig Config { get; }

    public RaftNode Node { get; }

    public MemoryRaftStorage Storage { get; }

    public IReadOnlyList<Entry> StoredEntries => Storage.Entries;

    public ulong Id => Config.Id;

    /// <summary>The state machine: every entry applied, in order (snapshots carry the prefix).</summary>
    public IReadOnlyList<Entry> Applied => _applied;

    public List<ReadState> ReadStates { get; } = [];

    /// <summary>Handles one ready batch; the messages it produced, in sending order, or null if there was none.</summary>
    public List<Message>? HandleReady()
    {
        if (Node.TakeReady() is not { } ready) return null;
        var sent = new List<Message>(ready.Messages);
        Storage.Persist(ready);
        sent.AddRange(ready.MessagesAfterPersist);
        if (ready.Snapshot is { } snapshot) RestoreStateMachine(snapshot);
        foreach (var entry in ready.CommittedEntries)
        {
            if (_applied.Count > 0 && entry.Index <= _applied[^1].Index) continue;
            Assert.True(entry.Index == AppliedIndex + 1, $"node {Id} applied {entry.Index} after {AppliedIndex}");
            _applied.Add(entry);
        }
        ReadStates.AddRange(ready.ReadStates);
        Node.Advance(ready);
        return sent;
    }

    public ulong AppliedIndex => _applied.Count == 0 ? 0 : _applied[^1].Index;

    /// <summary>Snapshots the state machine and lets the node compact its log, as the replica shell does.</summary>
    public void TakeSnapshot()
    {
        var index = AppliedIndex;
        var snapshot = new Snapshot
        {
            Metadata = new SnapshotMetadata { Index = index, Term = Node.TermAt(index), ConfState = Node.Status.ConfState },
            Data = new Message { Entries = { _applied } }.ToByteString(),
        };
        Storage.SaveSnapshot(snapshot);
        Node.ReportSnapshotTaken(index, snapshot);
    }

    private void RestoreStateMachine(Snapshot snapshot)
    {
        _applied.Clear();
        _applied.AddRange(Message.Parser.ParseFrom(snapshot.Data).Entries);
        Assert.True(AppliedIndex == snapshot.Metadata.Index, $"node {Id} snapshot at {snapshot.Metadata.Index} holds entries through {AppliedIndex}");
    }
}
