namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// The static Huffman code of HPACK string literals (RFC 7541 §5.2, Appendix B). The code is canonical (codes of one
/// length are consecutive and ordered by symbol, shorter codes before longer ones), so the table of code lengths
/// alone defines it, and decoding needs only the first code and symbol count of each length.
/// </summary>
internal static class HpackHuffman
{
    private const int EndOfString = 256;
    private const int CodeBitsMax = 30;

    /// <summary>Appendix B's "len" column: the code length of each byte value, then of EOS.</summary>
    private static ReadOnlySpan<byte> CodeLengths =>
    [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0..15
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16..31
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, // 32..47
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, // 48..63
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, // 64..79
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, // 80..95
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, // 96..111
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // 112..127
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128..143
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144..159
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160..175
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176..191
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192..207
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208..223
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224..239
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240..255
        30, // EOS
    ];

    /// <summary>Symbols ordered by (code length, symbol): the order in which the canonical code numbers them.</summary>
    private static readonly short[] SymbolsInCodeOrder = new short[EndOfString + 1];

    /// <summary>Per code length: its first code, the number of codes, and where they start in <see cref="SymbolsInCodeOrder"/>.</summary>
    private static readonly int[] FirstCode = new int[CodeBitsMax + 1];
    private static readonly int[] CodeCount = new int[CodeBitsMax + 1];
    private static readonly int[] FirstSymbolIndex = new int[CodeBitsMax + 1];

    /// <summary>Per byte value: its code, right-aligned.</summary>
    private static readonly uint[] Codes = new uint[EndOfString];

    static HpackHuffman()
    {
        ReadOnlySpan<byte> lengths = CodeLengths;
        foreach (byte length in lengths)
        {
            CodeCount[length]++;
        }

        int code = 0;
        int symbolIndex = 0;
        for (int length = 1; length <= CodeBitsMax; length++)
        {
            FirstCode[length] = code;
            FirstSymbolIndex[length] = symbolIndex;
            int next = symbolIndex;
            for (int symbol = 0; symbol <= EndOfString; symbol++)
            {
                if (lengths[symbol] == length)
                {
                    SymbolsInCodeOrder[next] = (short)symbol;
                    if (symbol < EndOfString)
                    {
                        Codes[symbol] = (uint)(code + next - symbolIndex);
                    }

                    next++;
                }
            }

            symbolIndex = next;
            code = (code + CodeCount[length]) << 1;
        }
    }

    /// <summary>
    /// Decodes <paramref name="encoded"/>; false if it holds the EOS symbol or ends in padding that is longer than 7 bits
    /// or not a prefix of EOS (all ones), which RFC 7541 §5.2 makes a decoding error.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out byte[] decoded)
    {
        decoded = [];
        // The shortest code has 5 bits.
        Span<byte> output = encoded.Length <= 256 ? stackalloc byte[encoded.Length * 8 / 5] : new byte[encoded.Length * 8 / 5];
        int written = 0;
        int code = 0;
        int length = 0;
        foreach (byte octet in encoded)
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                code = (code << 1) | ((octet >> bit) & 1);
                length++;
                int offset = code - FirstCode[length];
                if ((uint)offset < (uint)CodeCount[length])
                {
                    int symbol = SymbolsInCodeOrder[FirstSymbolIndex[length] + offset];
                    if (symbol == EndOfString)
                    {
                        return false;
                    }

                    output[written++] = (byte)symbol;
                    code = 0;
                    length = 0;
                }
            }
        }

        if (length > 7 || code != (1 << length) - 1)
        {
            return false;
        }

        decoded = output[..written].ToArray();
        return true;
    }

    public static int EncodedLength(ReadOnlySpan<byte> value)
    {
        long bits = 0;
        ReadOnlySpan<byte> lengths = CodeLengths;
        foreach (byte octet in value)
        {
            bits += lengths[octet];
        }

        return (int)((bits + 7) / 8);
    }

    /// <summary>Encodes <paramref name="value"/> into the first <see cref="EncodedLength"/> bytes of <paramref name="destination"/>, padded with ones.</summary>
    public static void Encode(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        ReadOnlySpan<byte> lengths = CodeLengths;
        ulong pending = 0;
        int pendingBits = 0;
        int written = 0;
        foreach (byte octet in value)
        {
            pending = (pending << lengths[octet]) | Codes[octet];
            pendingBits += lengths[octet];
            while (pendingBits >= 8)
            {
                pendingBits -= 8;
                destination[written++] = (byte)(pending >> pendingBits);
            }
        }

        if (pendingBits > 0)
        {
            destination[written] = (byte)((pending << (8 - pendingBits)) | (0xFFu >> pendingBits));
        }
    }
}
