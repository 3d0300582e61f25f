namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// Decodes the header blocks of one HTTP/2 connection in order (RFC 7541 §3, §6), keeping the dynamic table the
/// client's encoder assumes. After a block it cannot decode, its table no longer mirrors the client's: stop using it.
/// </summary>
internal sealed class HpackDecoder
{
    private readonly HpackDynamicTable _table;
    private readonly int _tableBytesMax;
    private readonly int _fieldBytesMax;

    /// <param name="tableBytesMax">The server's SETTINGS_HEADER_TABLE_SIZE: the most a size update may ask for.</param>
    /// <param name="fieldBytesMax">The most name and value bytes one block may decode to, bounding the memory it takes.</param>
    public HpackDecoder(int tableBytesMax, int fieldBytesMax)
    {
        _table = new HpackDynamicTable(tableBytesMax);
        _tableBytesMax = tableBytesMax;
        _fieldBytesMax = fieldBytesMax;
    }

    public HpackDynamicTable Table => _table;

    /// <summary>Decodes one complete header block, appending its fields to <paramref name="fields"/>; false if it is malformed.</summary>
    public bool TryDecode(ReadOnlySpan<byte> block, List<HpackHeaderField> fields)
    {
        int position = 0;
        long fieldBytes = 0;
        bool fieldSeen = false;
        while (position < block.Length)
        {
            byte first = block[position];
            HpackHeaderField field;
            if ((first & 0x80) != 0)
            {
                // Indexed header field (§6.1).
                if (!HpackInteger.TryRead(block, 7, ref position, out int index) || !TryGetEntry(index, out field))
                {
                    return false;
                }
            }
            else if ((first & 0x40) != 0)
            {
                // Literal header field with incremental indexing (§6.2.1).
                if (!TryReadLiteral(block, 6, neverIndexed: false, ref position, out field))
                {
                    return false;
                }

                _table.Insert(field);
            }
            else if ((first & 0x20) != 0)
            {
                // Dynamic table size update (§6.3): only before the block's first field (§4.2).
                if (fieldSeen || !HpackInteger.TryRead(block, 5, ref position, out int bytesMax) || bytesMax > _tableBytesMax)
                {
                    return false;
                }

                _table.Resize(bytesMax);
                continue;
            }
            else if (!TryReadLiteral(block, 4, neverIndexed: (first & 0x10) != 0, ref position, out field))
            {
                // Literal header field without indexing (§6.2.2) or never indexed (§6.2.3).
                return false;
            }

            fieldSeen = true;
            fieldBytes += field.Name.Length + field.Value.Length;
            if (fieldBytes > _fieldBytesMax)
            {
                return false;
            }

            fields.Add(field);
        }

        return true;
    }

    /// <summary>Index 1 to 61 is the static table, 62 onwards the dynamic table, newest first (§2.3.3).</summary>
    private bool TryGetEntry(int index, out HpackHeaderField entry)
    {
        if (index >= 1 && index <= HpackStaticTable.Count)
        {
            entry = HpackStaticTable.Get(index);
            return true;
        }

        int dynamicIndex = index - HpackStaticTable.Count - 1;
        if (dynamicIndex >= 0 && dynamicIndex < _table.Count)
        {
            entry = _table[dynamicIndex];
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>A literal's name is an index (the prefix integer) or, when that is 0, a string; its value is a string (§6.2).</summary>
    private bool TryReadLiteral(ReadOnlySpan<byte> block, int prefixBits, bool neverIndexed, ref int position, out HpackHeaderField field)
    {
        field = default;
        if (!HpackInteger.TryRead(block, prefixBits, ref position, out int nameIndex))
        {
            return false;
        }

        byte[] name;
        if (nameIndex == 0)
        {
            if (!TryReadString(block, ref position, out name))
            {
                return false;
            }
        }
        else if (TryGetEntry(nameIndex, out HpackHeaderField named))
        {
            name = named.Name;
        }
        else
        {
            return false;
        }

        if (!TryReadString(block, ref position, out byte[] value))
        {
            return false;
        }

        field = new HpackHeaderField(name, value, neverIndexed);
        return true;
    }

    /// <summary>A string literal (§5.2): a Huffman flag and a 7-bit prefix length, then that many bytes.</summary>
    private static bool TryReadString(ReadOnlySpan<byte> block, ref int position, out byte[] value)
    {
        value = [];
        if (position == block.Length)
        {
            return false;
        }

        bool huffman = (block[position] & 0x80) != 0;
        if (!HpackInteger.TryRead(block, 7, ref position, out int length) || length > block.Length - position)
        {
            return false;
        }

        ReadOnlySpan<byte> encoded = block.Slice(position, length);
        position += length;
        if (huffman)
        {
            return HpackHuffman.TryDecode(encoded, out value);
        }

        value = encoded.ToArray();
        return true;
    }
}
