namespace GrainKv.Storage;

/// <summary>
/// SQL has no unsigned 64-bit integer, so ids, indexes and terms are stored bit for bit in BIGINT columns.
/// Equality always holds; ordering (used only for indexes) holds below 2^63, which no log reaches.
/// </summary>
internal static class UnsignedColumn
{
    public static long ToColumn(ulong value) => unchecked((long)value);

    public static ulong FromColumn(long value) => unchecked((ulong)value);
}
