using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Mvcc;

namespace GrainKv.Microbench;

/// <summary>The deterministic key space of the MVCC benchmarks: <c>key/000000</c> … in key order, 32-byte values.</summary>
internal static class MvccData
{
    public const int StoreKeyCount = 100_000;

    private static readonly ByteString Value = ByteString.CopyFrom(new byte[32]);

    public static ByteString Key(int ordinal) => ByteString.CopyFromUtf8($"key/{ordinal:D6}");

    public static PutRequest Put(ByteString key) => new() { Key = key, Value = Value };

    /// <summary>A store holding keys 0 … <see cref="StoreKeyCount"/> - 1, one revision each.</summary>
    public static MvccStore PopulatedStore()
    {
        var store = new MvccStore();
        for (var i = 0; i < StoreKeyCount; i++)
        {
            var result = store.Put(Put(Key(i)));
            if (!result.IsOk)
            {
                throw new InvalidOperationException($"populating the store failed at key {i}: {result.Error}");
            }
        }
        return store;
    }
}
