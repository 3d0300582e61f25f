using Google.Protobuf;
using GrainKv.Raft;

namespace GrainKv.Storage;

/// <summary>One group's durable state inside <see cref="InMemoryRaftLogStore"/>.</summary>
internal sealed class InMemoryGroupRecord
{
    public ulong Generation { get; set; }
    public HardState HardState { get; set; } = new();
    public ConfState ConfState { get; set; } = new();
    public Snapshot? Snapshot { get; set; }

    /// <summary>Snapshot data staged and not adopted yet, by the generation that staged it and the snapshot's index.</summary>
    public Dictionary<(ulong Generation, ulong Index), ByteString> StagedData { get; private init; } = [];

    /// <summary>Sorted by index: entries are only ever appended after a suffix was deleted.</summary>
    public List<Entry> Entries { get; private init; } = [];

    /// <summary>A copy to stage a transaction on; messages are never mutated in place, so sharing them is safe.</summary>
    public InMemoryGroupRecord Copy() => new()
    {
        Generation = Generation,
        HardState = HardState,
        ConfState = ConfState,
        Snapshot = Snapshot,
        StagedData = new(StagedData),
        Entries = [.. Entries],
    };

    /// <summary>The position of the first entry with index &gt;= <paramref name="index"/>.</summary>
    public int FirstPositionAtOrAfter(ulong index)
    {
        int low = 0, high = Entries.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (Entries[middle].Index < index) low = middle + 1;
            else high = middle;
        }
        return low;
    }
}
