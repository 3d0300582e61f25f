namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// HPACK's dynamic table (RFC 7541 §2.3.2, §4): entries newest first, evicted oldest first whenever an insertion or a
/// smaller maximum would take it over its size in bytes. A ring of entries, oldest at <c>_oldest</c>.
/// </summary>
internal sealed class HpackDynamicTable
{
    private HpackHeaderField[] _entries = new HpackHeaderField[16];
    private int _oldest;

    public HpackDynamicTable(int bytesMax)
    {
        BytesMax = bytesMax;
    }

    public int Count { get; private set; }

    /// <summary>The sum of the entries' sizes (<see cref="HpackHeaderField.EntryBytes"/>).</summary>
    public int Bytes { get; private set; }

    public int BytesMax { get; private set; }

    /// <summary>The entry at <paramref name="index"/>, 0 being the newest; the caller checks it is below <see cref="Count"/>.</summary>
    public HpackHeaderField this[int index] => _entries[(_oldest + Count - 1 - index) % _entries.Length];

    /// <summary>Adds <paramref name="field"/> as the newest entry; one larger than the whole table empties it instead (§4.4).</summary>
    public void Insert(HpackHeaderField field)
    {
        EvictUntil(BytesMax - field.EntryBytes);
        if (field.EntryBytes > BytesMax)
        {
            return;
        }

        if (Count == _entries.Length)
        {
            var grown = new HpackHeaderField[_entries.Length * 2];
            for (int i = 0; i < Count; i++)
            {
                grown[i] = _entries[(_oldest + i) % _entries.Length];
            }

            _entries = grown;
            _oldest = 0;
        }

        _entries[(_oldest + Count) % _entries.Length] = field;
        Count++;
        Bytes += field.EntryBytes;
    }

    /// <summary>A dynamic table size update (§6.3): the new maximum, evicting what no longer fits.</summary>
    public void Resize(int bytesMax)
    {
        BytesMax = bytesMax;
        EvictUntil(bytesMax);
    }

    private void EvictUntil(int bytes)
    {
        while (Count > 0 && Bytes > bytes)
        {
            Bytes -= _entries[_oldest].EntryBytes;
            _entries[_oldest] = default;
            _oldest = (_oldest + 1) % _entries.Length;
            Count--;
        }
    }
}
