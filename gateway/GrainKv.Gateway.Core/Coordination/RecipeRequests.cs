using System.Globalization;
using System.Text;
using Etcdserverpb;
using Google.Protobuf;
using Mvccpb;

namespace GrainKv.Gateway.Coordination;

/// <summary>
/// The KV requests of etcd's concurrency recipes (clientv3/concurrency's Mutex and Election), which
/// etcd's Lock and Election servers run for their callers (etcd-api.md §6.4, §6.5), and how their
/// answers are read. Contenders queue under "name/", each with a key named after its lease; the key
/// created first owns the lock or leads the election.
/// </summary>
public static class RecipeRequests
{
    /// <summary>etcd's session lease when the caller names none; nobody keeps it alive.</summary>
    public const long SessionLeaseTtlSeconds = 60;

    public static ByteString Prefix(ByteString name) => Concat(name, "/"u8);

    /// <summary>prefix + the lease in lowercase hex, as Go's %x prints an int64 (minus sign and magnitude when negative).</summary>
    public static ByteString ContenderKey(ByteString prefix, long lease)
    {
        var hex = lease < 0
            ? "-" + (0UL - (ulong)lease).ToString("x", CultureInfo.InvariantCulture)
            : lease.ToString("x", CultureInfo.InvariantCulture);
        return Concat(prefix, Encoding.ASCII.GetBytes(hex));
    }

    /// <summary>The key created first under the prefix: the lock's owner, the election's leader.</summary>
    public static RangeRequest FirstCreated(ByteString prefix) => new()
    {
        Key = prefix,
        RangeEnd = KeyPrefix.RangeEnd(prefix),
        SortTarget = RangeRequest.Types.SortTarget.Create,
        SortOrder = RangeRequest.Types.SortOrder.Ascend,
        Limit = 1,
    };

    /// <summary>The newest key under the prefix created at or before <paramref name="maxCreateRevision"/>: the one to wait for next.</summary>
    public static RangeRequest LastCreatedUpTo(ByteString prefix, long maxCreateRevision) => new()
    {
        Key = prefix,
        RangeEnd = KeyPrefix.RangeEnd(prefix),
        SortTarget = RangeRequest.Types.SortTarget.Create,
        SortOrder = RangeRequest.Types.SortOrder.Descend,
        Limit = 1,
        MaxCreateRevision = maxCreateRevision,
    };

    /// <summary>
    /// Mutex.Lock's one txn: create the key unless this lease already queues there (then read it), and
    /// read the owner, so an uncontended lock takes a single round trip.
    /// </summary>
    public static TxnRequest Lock(ByteString key, ByteString prefix, long lease) => new()
    {
        Compare = { CreateRevisionIs(key, 0) },
        Success = { PutOp(key, ByteString.Empty, lease), new RequestOp { RequestRange = FirstCreated(prefix) } },
        Failure = { new RequestOp { RequestRange = new RangeRequest { Key = key } }, new RequestOp { RequestRange = FirstCreated(prefix) } },
    };

    /// <summary>Election.Campaign's txn: create the key with the value, or read the key this lease already has.</summary>
    public static TxnRequest Campaign(ByteString key, ByteString value, long lease) => new()
    {
        Compare = { CreateRevisionIs(key, 0) },
        Success = { PutOp(key, value, lease) },
        Failure = { new RequestOp { RequestRange = new RangeRequest { Key = key } } },
    };

    /// <summary>A new value, only while the key is still the one created at <paramref name="createRevision"/>.</summary>
    public static TxnRequest Proclaim(ByteString key, long createRevision, ByteString value, long lease) => new()
    {
        Compare = { CreateRevisionIs(key, createRevision) },
        Success = { PutOp(key, value, lease) },
    };

    /// <summary>Deletes the key only while it is still the one created at <paramref name="createRevision"/>.</summary>
    public static TxnRequest Resign(ByteString key, long createRevision) => new()
    {
        Compare = { CreateRevisionIs(key, createRevision) },
        Success = { new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } } },
    };

    /// <summary>The key a <see cref="Lock"/> or <see cref="Campaign"/> found already there (its compare failed).</summary>
    public static KeyValue ExistingKey(TxnResponse queued) => queued.Responses[0].ResponseRange.Kvs[0];

    /// <summary>Our key's create revision: the txn's own revision if it created the key, else the existing key's.</summary>
    public static long OwnCreateRevision(TxnResponse queued) =>
        queued.Succeeded ? queued.Header.Revision : ExistingKey(queued).CreateRevision;

    /// <summary>Whether a <see cref="Lock"/> answer shows our key as the first created, or no key at all under the prefix.</summary>
    public static bool OwnsLock(TxnResponse locked)
    {
        var owner = locked.Responses[1].ResponseRange.Kvs;
        return owner.Count == 0 || owner[0].CreateRevision == OwnCreateRevision(locked);
    }

    private static Compare CreateRevisionIs(ByteString key, long revision) => new()
    {
        Key = key,
        Target = Compare.Types.CompareTarget.Create,
        Result = Compare.Types.CompareResult.Equal,
        CreateRevision = revision,
    };

    private static RequestOp PutOp(ByteString key, ByteString value, long lease) =>
        new() { RequestPut = new PutRequest { Key = key, Value = value, Lease = lease } };

    private static ByteString Concat(ByteString head, ReadOnlySpan<byte> tail)
    {
        var bytes = new byte[head.Length + tail.Length];
        head.Span.CopyTo(bytes);
        tail.CopyTo(bytes.AsSpan(head.Length));
        return ByteString.CopyFrom(bytes);
    }
}
