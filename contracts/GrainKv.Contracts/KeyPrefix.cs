using Google.Protobuf;

namespace GrainKv;

/// <summary>etcd's prefix ranges, which clients compute and servers never do (etcd-api.md §3.2).</summary>
public static class KeyPrefix
{
    /// <summary>The range end covering every key that starts with <paramref name="prefix"/> (clientv3's WithPrefix).</summary>
    public static ByteString RangeEnd(ByteString prefix)
    {
        var end = prefix.ToByteArray();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return ByteString.CopyFrom(end, 0, i + 1);
            }
        }
        // No key follows an all-0xff prefix: "\0" ranges to the end of the key space.
        return ByteString.CopyFrom(0);
    }
}
