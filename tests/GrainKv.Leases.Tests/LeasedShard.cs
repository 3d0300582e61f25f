using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Mvcc;

namespace GrainKv.Leases.Tests;

/// <summary>
/// An MVCC store and its lessor wired the way the shard state machine applies committed commands:
/// every write's events go to <see cref="Lessor.ApplyWrite"/>, and a revoke deletes its keys in one txn
/// in the same apply.
/// </summary>
internal sealed class LeasedShard
{
    public LeasedShard(long minTtlSeconds = 2)
        : this(new Lessor(minTtlSeconds))
    {
    }

    private LeasedShard(Lessor lessor)
        : this(lessor, new MvccStore(lessor))
    {
    }

    private LeasedShard(Lessor lessor, MvccStore store)
    {
        Lessor = lessor;
        Store = store;
    }

    public Lessor Lessor { get; }

    public MvccStore Store { get; }

    /// <summary>A replica restored from this one's snapshots, as after InstallSnapshot or a restart.</summary>
    public LeasedShard Restored()
    {
        var lessorSnapshot = new MemoryStream();
        Lessor.WriteSnapshot(lessorSnapshot);
        lessorSnapshot.Position = 0;
        var restored = new LeasedShard(Lessor.Restore(lessorSnapshot, Lessor.MinTtlSeconds));
        var storeSnapshot = new MemoryStream();
        Store.WriteSnapshot(storeSnapshot);
        storeSnapshot.Position = 0;
        return new LeasedShard(restored.Lessor, MvccStore.Restore(storeSnapshot, restored.Lessor));
    }

    public static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    public KvResult<PutResponse> Put(string key, long lease = 0, bool ignoreLease = false) =>
        Write(() => Store.Put(new PutRequest { Key = B(key), Value = B("v"), Lease = lease, IgnoreLease = ignoreLease }));

    public DeleteRangeResponse Delete(string key, string rangeEnd = "") =>
        Write(() => Store.DeleteRange(new DeleteRangeRequest { Key = B(key), RangeEnd = B(rangeEnd) }));

    public KvResult<TxnResponse> Txn(TxnRequest txn) => Write(() => Store.Txn(txn));

    public LeaseResult<RevokedLease> Revoke(long leaseId)
    {
        var revoked = Lessor.Revoke(leaseId);
        if (revoked.IsOk)
        {
            Txn(revoked.Value.DeleteKeysTxn());
        }
        return revoked;
    }

    public long LeaseOf(string key) => Lessor.LeaseOf(B(key));

    public bool IsLive(string key) => Store.Range(new RangeRequest { Key = B(key) }).Value.Count == 1;

    private T Write<T>(Func<T> write)
    {
        var before = Store.Revision;
        var result = write();
        if (Store.Revision > before)
        {
            Lessor.ApplyWrite(Store.ChangesFrom(before + 1).Value);
        }
        return result;
    }
}
