using System.Buffers;

namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// Encodes header fields as literals that leave the decoder's dynamic table alone: "without indexing", or "never
/// indexed" for fields that came that way (RFC 7541 §6.2.2, §6.2.3), both with a literal name.
/// </summary>
internal static class HpackLiteralEncoder
{
    private const byte WithoutIndexing = 0x00;
    private const byte NeverIndexed = 0x10;
    private const byte HuffmanFlag = 0x80;

    public static void Write(in HpackHeaderField field, IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = field.NeverIndexed ? NeverIndexed : WithoutIndexing;
        output.Advance(1);
        WriteString(field.Name, output);
        WriteString(field.Value, output);
    }

    /// <summary>
    /// Huffman-coded when that is shorter, as clients' encoders do, so no string comes out longer than it came in and
    /// none crosses a length limit of the server's decoder that the client's original stayed within.
    /// </summary>
    private static void WriteString(ReadOnlySpan<byte> value, IBufferWriter<byte> output)
    {
        int huffmanLength = HpackHuffman.EncodedLength(value);
        bool huffman = huffmanLength < value.Length;
        int length = huffman ? huffmanLength : value.Length;
        Span<byte> span = output.GetSpan(HpackInteger.BytesMax + length);
        int written = HpackInteger.Write(length, 7, huffman ? HuffmanFlag : (byte)0, span);
        if (huffman)
        {
            HpackHuffman.Encode(value, span.Slice(written, length));
        }
        else
        {
            value.CopyTo(span[written..]);
        }

        output.Advance(written + length);
    }
}
