using GrainKv.Raft;
using Google.Protobuf;

namespace GrainKv.Storage.Tests;

/// <summary>The contract every <see cref="IRaftLogStore"/> keeps; one subclass per implementation.</summary>
public abstract class RaftLogStoreContractTests : IAsyncLifetime
{
    private const ulong GroupA = 1;
    private const ulong GroupB = 2;

    protected IRaftLogStore Store { get; set; } = null!;

    protected abstract Task<IRaftLogStore> OpenAsync();

    /// <summary>Closes or crashes the store and opens it again over the same durable state.</summary>
    protected abstract Task<IRaftLogStore> ReopenAsync(IRaftLogStore store);

    public async Task InitializeAsync() => Store = await OpenAsync();

    public virtual async Task DisposeAsync() => await Store.DisposeAsync();

    [Fact]
    public async Task LoadAsync_NewGroup_ReturnsEmptyState()
    {
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal(new HardState(), state.HardState);
        Assert.Equal(new ConfState(), state.ConfState);
        Assert.Null(state.Snapshot);
        Assert.Empty(state.Entries);
    }

    [Fact]
    public async Task SaveAsync_EntriesHardStateAndConf_LoadReturnsThem()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        var entries = new[] { Entry(1, 1), Entry(2, 1), Entry(3, 2, EntryType.EntryConfChange) };
        var hardState = new HardState { Term = 2, Vote = 7, Commit = 2 };
        var conf = new ConfState { Voters = { 7, 8, 9 }, Learners = { 10 } };

        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = entries, HardState = hardState, ConfState = conf }], default);
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal(entries, state.Entries);
        Assert.Equal(hardState, state.HardState);
        Assert.Equal(conf, state.ConfState);
    }

    [Fact]
    public async Task SaveAsync_SeveralAppends_LoadReturnsEntriesInIndexOrder()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);

        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [Entry(1, 1), Entry(2, 1)] }], default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [Entry(3, 1), Entry(4, 1)] }], default);

        var indexes = Indexes(await Store.LoadAsync(GroupA, default));

        Assert.Equal([1UL, 2, 3, 4], indexes);
    }

    [Fact]
    public async Task SaveAsync_EntriesOverlappingStoredSuffix_ReplaceTheWholeSuffix()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(1, 5, term: 1)] }], default);

        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [Entry(3, 2), Entry(4, 2)] }], default);
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal([Entry(1, 1), Entry(2, 1), Entry(3, 2), Entry(4, 2)], state.Entries);
    }

    [Fact]
    public async Task SaveAsync_SnapshotWithCompaction_LoadReturnsSnapshotAndLaterEntries()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(1, 10, term: 1)] }], default);
        var snapshot = Snapshot(index: 6, term: 1, "state at 6");

        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Snapshot = snapshot, CompactThrough = 6 }], default);
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal(snapshot, state.Snapshot);
        Assert.Equal([7UL, 8, 9, 10], Indexes(state));
    }

    [Fact]
    public async Task SaveAsync_SnapshotWithoutCompaction_LoadOmitsEntriesItCovers()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(1, 5, term: 1)] }], default);

        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Snapshot = Snapshot(index: 3, term: 1, "at 3") }], default);

        var indexes = Indexes(await Store.LoadAsync(GroupA, default));

        Assert.Equal([4UL, 5], indexes);
    }

    [Fact]
    public async Task SaveAsync_NewerSnapshot_ReplacesStoredOne()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(1, 8, term: 1)] }], default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Snapshot = Snapshot(index: 3, term: 1, "at 3"), CompactThrough = 3 }], default);
        var newer = Snapshot(index: 6, term: 1, "at 6");

        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Snapshot = newer, CompactThrough = 6 }], default);
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal(newer, state.Snapshot);
        Assert.Equal([7UL, 8], Indexes(state));
    }

    [Fact]
    public async Task SaveAsync_SnapshotConflictingWithStoredLog_DropsTheLog()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(1, 8, term: 1)] }], default);

        // A leader of term 3 installs a snapshot whose entry 5 this log has with another term.
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Snapshot = Snapshot(index: 5, term: 3, "at 5") }], default);

        Assert.Empty((await Store.LoadAsync(GroupA, default)).Entries);
    }

    [Fact]
    public async Task SaveAsync_SnapshotAndEntriesTogether_LoadReturnsEntriesAfterSnapshot()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(1, 3, term: 1)] }], default);

        await Store.SaveAsync([new GroupWrite(GroupA, generation)
        {
            Snapshot = Snapshot(index: 10, term: 4, "at 10"),
            Entries = [Entry(11, 4), Entry(12, 4)],
        }], default);

        var indexes = Indexes(await Store.LoadAsync(GroupA, default));

        Assert.Equal([11UL, 12], indexes);
    }

    [Fact]
    public async Task SaveAsync_SameSnapshotAgainAfterCompaction_KeepsTheTail()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(1, 6, term: 2)] }], default);
        var snapshot = Snapshot(index: 4, term: 2, "at 4");
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Snapshot = snapshot, CompactThrough = 4 }], default);

        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Snapshot = snapshot }], default);

        var indexes = Indexes(await Store.LoadAsync(GroupA, default));

        Assert.Equal([5UL, 6], indexes);
    }

    [Fact]
    public async Task SaveAsync_HardStateUpdates_LoadReturnsTheLatest()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { HardState = new HardState { Term = 1, Vote = 1 } }], default);
        var latest = new HardState { Term = 3, Vote = 2, Commit = 9 };

        await Store.SaveAsync([new GroupWrite(GroupA, generation) { HardState = latest }], default);

        Assert.Equal(latest, (await Store.LoadAsync(GroupA, default)).HardState);
    }

    [Fact]
    public async Task SaveAsync_WriteWithoutHardStateOrConf_KeepsTheStoredOnes()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        var hardState = new HardState { Term = 2, Vote = 1, Commit = 1 };
        var conf = new ConfState { Voters = { 1, 2, 3 } };
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { HardState = hardState, ConfState = conf }], default);

        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [Entry(1, 2)] }], default);
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal(hardState, state.HardState);
        Assert.Equal(conf, state.ConfState);
    }

    [Fact]
    public async Task SaveAsync_ManyGroupsInOneBatch_EachGroupGetsOnlyItsOwnWrite()
    {
        var generations = new Dictionary<ulong, ulong>();
        for (ulong groupId = 1; groupId <= 20; groupId++) generations[groupId] = await Store.ClaimGenerationAsync(groupId, default);

        await Store.SaveAsync([.. generations.Select(pair => new GroupWrite(pair.Key, pair.Value)
        {
            Entries = [.. Range(1, pair.Key, term: pair.Key)],
            HardState = new HardState { Term = pair.Key, Commit = pair.Key },
        })], default);

        for (ulong groupId = 1; groupId <= 20; groupId++)
        {
            var state = await Store.LoadAsync(groupId, default);
            Assert.Equal(Range(1, groupId, term: groupId), state.Entries);
            Assert.Equal(new HardState { Term = groupId, Commit = groupId }, state.HardState);
        }
    }

    [Fact]
    public async Task SaveAsync_BatchWithOneFencedWrite_StoresNothingOfTheBatch()
    {
        var generationA = await Store.ClaimGenerationAsync(GroupA, default);
        var staleB = await Store.ClaimGenerationAsync(GroupB, default);
        await Store.ClaimGenerationAsync(GroupB, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generationA) { Entries = [Entry(1, 1)] }], default);

        await Assert.ThrowsAsync<FencedWriteException>(() => Store.SaveAsync(
        [
            new GroupWrite(GroupA, generationA) { Entries = [Entry(1, 2), Entry(2, 2)], HardState = new HardState { Term = 2 } },
            new GroupWrite(GroupB, staleB) { Entries = [Entry(1, 1)] },
        ], default));

        var stateA = await Store.LoadAsync(GroupA, default);
        Assert.Equal([Entry(1, 1)], stateA.Entries);
        Assert.Equal(new HardState(), stateA.HardState);
        Assert.Empty((await Store.LoadAsync(GroupB, default)).Entries);
    }

    [Fact]
    public async Task SaveAsync_AfterABatchThatFailedHalfway_SameStoreStoresTheNextBatch()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        var stale = await Store.ClaimGenerationAsync(GroupB, default);
        await Store.ClaimGenerationAsync(GroupB, default);
        await Assert.ThrowsAsync<FencedWriteException>(() => Store.SaveAsync(
            [new GroupWrite(GroupA, generation) { Entries = [Entry(1, 1)] }, new GroupWrite(GroupB, stale) { Entries = [Entry(1, 1)] }], default));

        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [Entry(1, 1), Entry(2, 1)] }], default);

        Assert.Equal([1UL, 2], Indexes(await Store.LoadAsync(GroupA, default)));
    }

    [Fact]
    public async Task SaveAsync_MalformedWriteInBatch_StoresNothingOfTheBatch()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveAsync(
        [
            new GroupWrite(GroupA, generation) { Entries = [Entry(1, 1)] },
            new GroupWrite(GroupA, generation) { Entries = [Entry(2, 1), Entry(4, 1)] },
        ], default));

        Assert.Empty((await Store.LoadAsync(GroupA, default)).Entries);
    }

    [Fact]
    public async Task SaveAsync_OlderGeneration_ThrowsFencedAndStoresNothing()
    {
        var stale = await Store.ClaimGenerationAsync(GroupA, default);
        var current = await Store.ClaimGenerationAsync(GroupA, default);

        var fenced = await Assert.ThrowsAsync<FencedWriteException>(() => Store.SaveAsync(
            [new GroupWrite(GroupA, stale) { HardState = new HardState { Term = 5, Vote = 3 } }], default));

        Assert.Equal((GroupA, stale, current), (fenced.GroupId, fenced.WriteGeneration, fenced.CurrentGeneration));
        Assert.Equal(new HardState(), (await Store.LoadAsync(GroupA, default)).HardState);
    }

    [Fact]
    public async Task SaveAsync_CurrentGenerationAfterNewerClaim_IsAccepted()
    {
        await Store.ClaimGenerationAsync(GroupA, default);
        var current = await Store.ClaimGenerationAsync(GroupA, default);

        await Store.SaveAsync([new GroupWrite(GroupA, current) { Entries = [Entry(1, 1)] }], default);

        var indexes = Indexes(await Store.LoadAsync(GroupA, default));

        Assert.Equal([1UL], indexes);
    }

    [Fact]
    public async Task SaveAsync_GroupWithoutClaimedGeneration_ThrowsFenced()
    {
        var fenced = await Assert.ThrowsAsync<FencedWriteException>(() => Store.SaveAsync(
            [new GroupWrite(GroupA, Generation: 1) { Entries = [Entry(1, 1)] }], default));

        Assert.Equal(0UL, fenced.CurrentGeneration);
    }

    [Fact]
    public async Task ClaimGenerationAsync_Repeated_StrictlyIncreasesPerGroup()
    {
        var first = await Store.ClaimGenerationAsync(GroupA, default);
        var second = await Store.ClaimGenerationAsync(GroupA, default);
        var otherGroup = await Store.ClaimGenerationAsync(GroupB, default);
        var third = await Store.ClaimGenerationAsync(GroupA, default);

        Assert.True(first > 0 && second > first && third > second, $"{first}, {second}, {third}");
        Assert.True(otherGroup > 0);
    }

    [Fact]
    public async Task ClaimGenerationAsync_ExistingGroup_KeepsItsState()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        var hardState = new HardState { Term = 4, Vote = 2, Commit = 1 };
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { HardState = hardState, Entries = [Entry(1, 4)] }], default);

        await Store.ClaimGenerationAsync(GroupA, default);
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal(hardState, state.HardState);
        Assert.Equal([1UL], Indexes(state));
    }

    [Fact]
    public async Task SaveAsync_CallerMutatesMessagesAfterSave_StoredStateUnchanged()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        var entry = Entry(1, 1);
        var hardState = new HardState { Term = 1 };
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [entry], HardState = hardState }], default);

        entry.Term = 99;
        hardState.Term = 99;
        (await Store.LoadAsync(GroupA, default)).Entries[0].Data = ByteString.CopyFromUtf8("changed by a reader");
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal(Entry(1, 1), state.Entries[0]);
        Assert.Equal(new HardState { Term = 1 }, state.HardState);
    }

    [Fact]
    public async Task ReopenedStore_AfterCompletedSaves_LoadsTheSameStateAndClaimsNewerGenerations()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        var snapshot = Snapshot(index: 2, term: 1, "at 2");
        await Store.SaveAsync([new GroupWrite(GroupA, generation)
        {
            Entries = [.. Range(1, 4, term: 1)],
            HardState = new HardState { Term = 1, Vote = 1, Commit = 3 },
            ConfState = new ConfState { Voters = { 1 } },
        }], default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Snapshot = snapshot, CompactThrough = 2 }], default);
        var before = await Store.LoadAsync(GroupA, default);

        Store = await ReopenAsync(Store);
        var after = await Store.LoadAsync(GroupA, default);
        var reclaimed = await Store.ClaimGenerationAsync(GroupA, default);

        Assert.Equal(before.HardState, after.HardState);
        Assert.Equal(before.ConfState, after.ConfState);
        Assert.Equal(snapshot, after.Snapshot);
        Assert.Equal(before.Entries, after.Entries);
        Assert.True(reclaimed > generation, $"{reclaimed} after {generation}");
    }

    [Fact]
    public async Task ReopenedStore_WriteWithGenerationFromBeforeReopenAndReclaim_IsFenced()
    {
        var old = await Store.ClaimGenerationAsync(GroupA, default);
        Store = await ReopenAsync(Store);
        await Store.ClaimGenerationAsync(GroupA, default);

        await Assert.ThrowsAsync<FencedWriteException>(() => Store.SaveAsync(
            [new GroupWrite(GroupA, old) { HardState = new HardState { Term = 1, Vote = 1 } }], default));
    }

    [Fact]
    public async Task DefragmentAsync_AfterCompaction_KeepsTheStateAndTakesWritesAfter()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        var hardState = new HardState { Term = 2, Vote = 1, Commit = 6 };
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(1, 6, term: 2)], HardState = hardState }], default);
        var snapshot = Snapshot(index: 4, term: 2, "at 4");
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Snapshot = snapshot, CompactThrough = 4 }], default);

        await Store.DefragmentAsync(default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [Entry(7, 2)] }], default);
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal(snapshot, state.Snapshot);
        Assert.Equal(hardState, state.HardState);
        Assert.Equal([5UL, 6, 7], Indexes(state));
    }

    [Fact]
    public async Task StagedSnapshot_AdoptedWithCompaction_LoadReturnsAllItsDataAndTheLaterEntries()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(1, 10, term: 1)] }], default);
        var snapshot = LargeSnapshot(index: 6, term: 1);

        var staged = await Store.StageSnapshotAsync(GroupA, generation, snapshot, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { StagedSnapshot = staged, CompactThrough = 6 }], default);
        Store = await ReopenAsync(Store);
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal(snapshot, state.Snapshot);
        Assert.Equal([7UL, 8, 9, 10], Indexes(state));
    }

    [Fact]
    public async Task StagedSnapshot_NotAdoptedBeforeTheStoreReopens_IsNoPartOfTheState()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(1, 8, term: 1)] }], default);
        var stored = Snapshot(index: 3, term: 1, "at 3");
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Snapshot = stored, CompactThrough = 3 }], default);

        await Store.StageSnapshotAsync(GroupA, generation, LargeSnapshot(index: 6, term: 1), default);
        Store = await ReopenAsync(Store);
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal(stored, state.Snapshot);
        Assert.Equal([4UL, 5, 6, 7, 8], Indexes(state));
    }

    [Fact]
    public async Task StagedSnapshot_ReplacedByALeadersSnapshotThenAnotherAdopted_LoadReturnsTheLatest()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(1, 4, term: 1)] }], default);
        var first = await Store.StageSnapshotAsync(GroupA, generation, LargeSnapshot(index: 4, term: 1), default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { StagedSnapshot = first, CompactThrough = 4 }], default);
        var fromLeader = Snapshot(index: 9, term: 2, "the leader's at 9");
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Snapshot = fromLeader, CompactThrough = 9 }], default);
        Assert.Equal(fromLeader, (await Store.LoadAsync(GroupA, default)).Snapshot);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { Entries = [.. Range(10, 12, term: 2)] }], default);
        var latest = LargeSnapshot(index: 12, term: 2);

        var second = await Store.StageSnapshotAsync(GroupA, generation, latest, default);
        await Store.SaveAsync([new GroupWrite(GroupA, generation) { StagedSnapshot = second, CompactThrough = 12 }], default);
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal(latest, state.Snapshot);
        Assert.Empty(state.Entries);
    }

    [Fact]
    public async Task StagedSnapshot_AdoptedWithAGenerationSinceFenced_ThrowsFencedAndStoresNothing()
    {
        var old = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, old) { Entries = [.. Range(1, 4, term: 1)] }], default);
        var staged = await Store.StageSnapshotAsync(GroupA, old, LargeSnapshot(index: 4, term: 1), default);
        await Store.ClaimGenerationAsync(GroupA, default);

        await Assert.ThrowsAsync<FencedWriteException>(() => Store.SaveAsync(
            [new GroupWrite(GroupA, old) { StagedSnapshot = staged, CompactThrough = 4 }], default));
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Null(state.Snapshot);
        Assert.Equal([1UL, 2, 3, 4], Indexes(state));
    }

    [Fact]
    public async Task StagedSnapshot_StagedByAnotherGeneration_CannotBeAdoptedAndNothingIsStored()
    {
        var old = await Store.ClaimGenerationAsync(GroupA, default);
        var staged = await Store.StageSnapshotAsync(GroupA, old, LargeSnapshot(index: 4, term: 1), default);
        var current = await Store.ClaimGenerationAsync(GroupA, default);
        await Store.SaveAsync([new GroupWrite(GroupA, current) { Entries = [.. Range(1, 4, term: 1)] }], default);

        var missing = await Assert.ThrowsAsync<StagedSnapshotMissingException>(() => Store.SaveAsync(
            [new GroupWrite(GroupA, current) { StagedSnapshot = staged, CompactThrough = 4 }], default));
        var state = await Store.LoadAsync(GroupA, default);

        Assert.Equal((GroupA, 4UL), (missing.GroupId, missing.Index));
        Assert.Null(state.Snapshot);
        Assert.Equal([1UL, 2, 3, 4], Indexes(state));
    }

    [Fact]
    public async Task SaveAsync_BothASnapshotAndAStagedOne_IsRefusedAsMalformed()
    {
        var generation = await Store.ClaimGenerationAsync(GroupA, default);
        var staged = await Store.StageSnapshotAsync(GroupA, generation, LargeSnapshot(index: 4, term: 1), default);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveAsync(
            [new GroupWrite(GroupA, generation) { Snapshot = Snapshot(index: 4, term: 1, "at 4"), StagedSnapshot = staged }], default));
    }

    private static Entry Entry(ulong index, ulong term, EntryType type = EntryType.EntryNormal) => new()
    {
        Index = index,
        Term = term,
        Type = type,
        Data = ByteString.CopyFromUtf8($"entry {index} of term {term}"),
    };

    private static List<Entry> Range(ulong first, ulong last, ulong term)
    {
        var entries = new List<Entry>();
        for (var index = first; index <= last; index++) entries.Add(Entry(index, term));
        return entries;
    }

    private static Snapshot Snapshot(ulong index, ulong term, string data) => new()
    {
        Metadata = new SnapshotMetadata { Index = index, Term = term, ConfState = new ConfState { Voters = { 1, 2, 3 } } },
        Data = ByteString.CopyFromUtf8(data),
    };

    /// <summary>2.5 MiB of data: three chunks in the SQL stores, the last one short.</summary>
    protected static Snapshot LargeSnapshot(ulong index, ulong term)
    {
        var data = new byte[5 << 19];
        new Random((int)index).NextBytes(data);
        return new Snapshot
        {
            Metadata = new SnapshotMetadata { Index = index, Term = term, ConfState = new ConfState { Voters = { 1, 2, 3 } } },
            Data = ByteString.CopyFrom(data),
        };
    }

    private static ulong[] Indexes(StoredGroupState state) => [.. state.Entries.Select(entry => entry.Index)];
}
