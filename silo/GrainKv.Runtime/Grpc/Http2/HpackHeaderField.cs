using System.Text;

namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>
/// One decoded header field. <see cref="NeverIndexed"/> marks a field the client sent as "never indexed" (RFC 7541
/// §6.2.3), which an intermediary must re-encode the same way.
/// </summary>
internal readonly record struct HpackHeaderField(byte[] Name, byte[] Value, bool NeverIndexed = false)
{
    /// <summary>Each dynamic table entry costs its name and value plus 32 bytes (RFC 7541 §4.1).</summary>
    public const int EntryOverheadBytes = 32;

    public int EntryBytes => Name.Length + Value.Length + EntryOverheadBytes;

    public override string ToString() => $"{Encoding.Latin1.GetString(Name)}: {Encoding.Latin1.GetString(Value)}";
}
