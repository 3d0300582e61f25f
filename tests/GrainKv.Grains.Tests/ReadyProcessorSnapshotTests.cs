using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Replication;
using GrainKv.Raft;
using GrainKv.Shard;
using GrainKv.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using static GrainKv.Grains.Tests.FollowerReplicas;

namespace GrainKv.Grains.Tests;

/// <summary>
/// The ready loop saves snapshots off the loop: a single-voter replica driven by a <see cref="ReadyProcessor"/> over the
/// in-memory store, with the writing of each snapshot held until the test lets it go.
/// </summary>
public sealed class ReadyProcessorSnapshotTests : IAsyncDisposable
{
    private const ulong Shard = 1;
    private const long SnapshotCount = 3;

    private readonly RecordingStore _store = new(new InMemoryRaftLogStore());
    private readonly List<(Func<Snapshot> Write, TaskCompletionSource<Snapshot> Written)> _writing = [];
    private readonly ReadyProcessor _processor;
    private readonly ReplicaCore _replica;
    private readonly SemaphoreSlim _wokenUp = new(0);

    public ReadyProcessorSnapshotTests()
    {
        _store.ClaimGenerationAsync(Shard, default).GetAwaiter().GetResult();
        _replica = Replica(replicaId: 1, voters: [1], SnapshotCount);
        _processor = new ReadyProcessor(_store, (_, _) => { }, TimeProvider.System, TimeSpan.FromMilliseconds(10), write =>
        {
            var written = new TaskCompletionSource<Snapshot>();
            _writing.Add((write, written));
            return written.Task;
        }, () => _wokenUp.Release(), NullLogger.Instance);
        _processor.Register(_replica);
    }

    [Fact]
    public async Task SnapshotDue_TheLoopGoesOnWhileItIsWritten_ThenALaterBatchAdoptsItAndCompactsTheLog()
    {
        await LeadAsync();
        await PutAsync(3);
        var due = Assert.Single(_writing);
        var answeredMeanwhile = await PutAsync(1);

        Assert.All(answeredMeanwhile, reply => Assert.Equal(ShardError.None, reply.Error));
        Assert.Null((await _store.LoadAsync(Shard, default)).Snapshot);
        await FinishAsync(due);
        var stored = await _store.LoadAsync(Shard, default);

        Assert.Equal(4UL, stored.Snapshot?.Metadata.Index);
        Assert.Equal([5UL], stored.Entries.Select(e => e.Index));
    }

    [Fact]
    public async Task SnapshotDueAgainWhileOneIsWritten_IsTakenOnceThatOneIsAdopted_WithoutAnotherWrite()
    {
        await LeadAsync();
        await PutAsync(3);
        var first = Assert.Single(_writing);
        // Past the count, a snapshot also waits for entries that weigh as much as the last one: these do.
        await PutAsync(3, valueBytes: 1_000);
        Assert.Single(_writing);

        await FinishAsync(first);

        Assert.Equal(2, _writing.Count);
        Assert.Equal(7UL, _writing[1].Write().Metadata.Index);
    }

    [Fact]
    public async Task AdoptedSnapshotOverALongLog_DeletesTheObsoleteEntriesASlicePerBatch()
    {
        await LeadAsync();
        await PutAsync((int)LogTrim.RowsPerSlice + 5);
        var due = Assert.Single(_writing);
        var snapshotIndex = LogTrim.RowsPerSlice + 6;

        await FinishAsync(due);
        var adoption = Assert.Single(_store.LastBatch);
        await PutAsync(1);
        var nextBatch = Assert.Single(_store.LastBatch);
        await PutAsync(1);

        Assert.Equal(snapshotIndex, adoption.StagedSnapshot?.Metadata.Index);
        Assert.Equal(LogTrim.RowsPerSlice, adoption.CompactThrough);
        Assert.Equal(snapshotIndex, nextBatch.CompactThrough);
        Assert.Null(Assert.Single(_store.LastBatch).CompactThrough);
        Assert.Equal(snapshotIndex, (await _store.LoadAsync(Shard, default)).Snapshot?.Metadata.Index);
    }

    [Fact]
    public async Task StagedSnapshotGoneFromTheStoreBeforeItsAdoption_IsDropped_AndTheLoopGoesOn()
    {
        await LeadAsync();
        await PutAsync(3);
        var due = Assert.Single(_writing);
        due.Written.SetResult(due.Write());
        Assert.True(await _wokenUp.WaitAsync(TimeSpan.FromSeconds(10)));
        // Another snapshot stored meanwhile deletes every staged one.
        var other = new Snapshot { Metadata = new SnapshotMetadata { Index = 1, Term = 1 } };
        await _store.SaveAsync([new GroupWrite(Shard, _replica.Generation) { Snapshot = other }], default);

        var answered = await PutAsync(1);
        var stored = await _store.LoadAsync(Shard, default);

        Assert.Equal(ShardError.None, Assert.Single(answered).Error);
        Assert.Equal(other, stored.Snapshot);
        Assert.Equal([2UL, 3, 4, 5], stored.Entries.Select(e => e.Index));
    }

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    /// <summary>The in-memory store, with the writes of the last batch saved kept for the test to read.</summary>
    private sealed class RecordingStore(InMemoryRaftLogStore store) : IRaftLogStore
    {
        public IReadOnlyList<GroupWrite> LastBatch { get; private set; } = [];

        public Task<ulong> ClaimGenerationAsync(ulong groupId, CancellationToken ct) => store.ClaimGenerationAsync(groupId, ct);

        public Task<StoredGroupState> LoadAsync(ulong groupId, CancellationToken ct) => store.LoadAsync(groupId, ct);

        public async Task SaveAsync(IReadOnlyList<GroupWrite> writes, CancellationToken ct)
        {
            await store.SaveAsync(writes, ct);
            LastBatch = [.. writes];
        }

        public Task<StagedSnapshot> StageSnapshotAsync(ulong groupId, ulong generation, Snapshot snapshot, CancellationToken ct) =>
            store.StageSnapshotAsync(groupId, generation, snapshot, ct);

        public Task DefragmentAsync(CancellationToken ct) => store.DefragmentAsync(ct);

        public ValueTask DisposeAsync() => store.DisposeAsync();
    }

    /// <summary>The election's empty entry is index 1.</summary>
    private async Task LeadAsync()
    {
        _replica.Campaign();
        await _processor.ProcessAsync(default).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(_replica.Key.ReplicaId, _replica.GetStatus().LeaderId);
    }

    private async Task<ShardReply[]> PutAsync(int count, int valueBytes = 1)
    {
        var value = ByteString.CopyFrom(new byte[valueBytes]);
        var replies = Enumerable.Range(0, count)
            .Select(i => _replica.Propose(new ShardCommand { Put = new PutRequest { Key = ByteString.CopyFromUtf8($"k{i}"), Value = value } }))
            .ToList();
        await _processor.ProcessAsync(default).WaitAsync(TimeSpan.FromSeconds(10));
        return await Task.WhenAll(replies).WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>The snapshot is written and staged; the loop, woken up as ReplicaDriver's is, runs.</summary>
    private async Task FinishAsync((Func<Snapshot> Write, TaskCompletionSource<Snapshot> Written) writing)
    {
        writing.Written.SetResult(writing.Write());
        Assert.True(await _wokenUp.WaitAsync(TimeSpan.FromSeconds(10)), "the staged snapshot never woke the loop");
        await _processor.ProcessAsync(default).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
