using Google.Protobuf;

namespace GrainKv.Leases;

/// <summary>Keys in etcd's order: unsigned bytewise.</summary>
internal sealed class ByteStringOrder : IComparer<ByteString>
{
    public static readonly ByteStringOrder Instance = new();

    private ByteStringOrder()
    {
    }

    public int Compare(ByteString? x, ByteString? y) => x!.Span.SequenceCompareTo(y!.Span);
}
