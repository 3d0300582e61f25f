using System.Text;
using GrainKv.Runtime.Grpc.Http2;

namespace GrainKv.Testing.Http2;

/// <summary>Writes header blocks the way a client's encoder may, in every representation RFC 7541 §6 has.</summary>
internal sealed class HpackBlockBuilder
{
    private readonly List<byte> _bytes = [];

    public HpackBlockBuilder Indexed(int index) => Integer(index, 7, 0x80);

    public HpackBlockBuilder LiteralWithIndexing(string name, string value) => Integer(0, 6, 0x40).String(name).String(value);

    public HpackBlockBuilder LiteralWithIndexing(int nameIndex, string value) => Integer(nameIndex, 6, 0x40).String(value);

    public HpackBlockBuilder LiteralWithoutIndexing(string name, string value) => Integer(0, 4, 0x00).String(name).String(value);

    public HpackBlockBuilder NeverIndexed(string name, string value) => Integer(0, 4, 0x10).String(name).String(value);

    public HpackBlockBuilder SizeUpdate(int bytesMax) => Integer(bytesMax, 5, 0x20);

    public byte[] ToArray() => [.. _bytes];

    private HpackBlockBuilder Integer(int value, int prefixBits, byte flags)
    {
        Span<byte> encoded = stackalloc byte[HpackInteger.BytesMax];
        _bytes.AddRange(encoded[..HpackInteger.Write(value, prefixBits, flags, encoded)]);
        return this;
    }

    /// <summary>Huffman-coded, as grpc-go codes every string it can shorten.</summary>
    private HpackBlockBuilder String(string text)
    {
        byte[] value = Encoding.Latin1.GetBytes(text);
        int length = HpackHuffman.EncodedLength(value);
        Integer(length, 7, 0x80);
        var encoded = new byte[length];
        HpackHuffman.Encode(value, encoded);
        _bytes.AddRange(encoded);
        return this;
    }
}
