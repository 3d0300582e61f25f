using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using GrainKv.Raft;
using GrainKv.Storage;

namespace GrainKv.Microbench;

/// <summary>
/// One ready batch saved to the in-memory log store (the simulation's store): entries plus a hard state in one
/// transaction. Each save overwrites the same indexes right after the retained log, so the stored log keeps its
/// size however many saves run. The SQLite store is left out on purpose: its save is one fsync, which belongs
/// to the end-to-end benchmark (tools/GrainKv.Bench), not to a microbenchmark.
/// </summary>
[MemoryDiagnoser]
[ShortInProcessJob]
public class LogStoreSaveBenchmarks
{
    private const ulong GroupId = 1;
    private const ulong Term = 1;

    private InMemoryRaftLogStore _store = null!;
    private GroupWrite[] _save = null!;

    [Params(1, 64)]
    public int EntriesPerSave { get; set; }

    /// <summary>Entries already stored before the saved ones: the log a replica keeps between snapshots.</summary>
    [Params(0, 10_000)]
    public int RetainedEntries { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _store = new InMemoryRaftLogStore();
        var generation = await _store.ClaimGenerationAsync(GroupId, CancellationToken.None);
        var command = ByteString.CopyFrom(new byte[128]);
        if (RetainedEntries > 0)
        {
            var retained = Entries(firstIndex: 1, RetainedEntries, command);
            await _store.SaveAsync([new GroupWrite(GroupId, generation) { Entries = retained }], CancellationToken.None);
        }
        var firstSaved = (ulong)RetainedEntries + 1;
        _save =
        [
            new GroupWrite(GroupId, generation)
            {
                Entries = Entries(firstSaved, EntriesPerSave, command),
                HardState = new HardState { Term = Term, Vote = 1, Commit = firstSaved - 1 },
            },
        ];
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        var stored = await _store.LoadAsync(GroupId, CancellationToken.None);
        var expected = RetainedEntries + EntriesPerSave;
        if (stored.Entries.Count != expected)
        {
            throw new InvalidOperationException($"the store holds {stored.Entries.Count} entries, expected {expected}");
        }
        await _store.DisposeAsync();
    }

    [Benchmark]
    public Task SaveAsync_EntriesAndHardState() => _store.SaveAsync(_save, CancellationToken.None);

    private static List<Entry> Entries(ulong firstIndex, int count, ByteString command) =>
        Enumerable.Range(0, count)
            .Select(offset => new Entry { Term = Term, Index = firstIndex + (ulong)offset, Type = EntryType.EntryNormal, Data = command })
            .ToList();
}
