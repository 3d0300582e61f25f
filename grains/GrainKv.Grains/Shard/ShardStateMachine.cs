using Etcdserverpb;
using GrainKv.Mvcc;
using GrainKv.Shard;

namespace GrainKv.Grains.Shard;

/// <summary>
/// A shard's replicated state: what a committed <see cref="ShardCommand"/> does, and what a read
/// sees. Pure: the replica shell feeds it committed entries in log order and serves reads from it.
/// </summary>
public sealed class ShardStateMachine
{
    private MvccStore _store;

    public ShardStateMachine(MvccStore store)
    {
        _store = store;
    }

    public long Revision => _store.Revision;
    public long CompactRevision => _store.CompactRevision;

    public ShardReply Apply(ShardCommand command) => command.RequestCase switch
    {
        ShardCommand.RequestOneofCase.Put => Reply(_store.Put(command.Put), static (r, v) => r.Put = v),
        ShardCommand.RequestOneofCase.DeleteRange => Reply<DeleteRangeResponse>(_store.DeleteRange(command.DeleteRange), static (r, v) => r.DeleteRange = v),
        ShardCommand.RequestOneofCase.Txn => Reply(_store.Txn(command.Txn), static (r, v) => r.Txn = v),
        ShardCommand.RequestOneofCase.Compaction => Reply(_store.Compact(command.Compaction), static (r, v) => r.Compaction = v),
        _ => new ShardReply { Error = ShardError.KeyNotFound },
    };

    public ShardReply Read(ShardRead read) => read.RequestCase switch
    {
        ShardRead.RequestOneofCase.Range => Reply(_store.Range(read.Range), static (r, v) => r.Range = v),
        ShardRead.RequestOneofCase.Txn => Reply(_store.Txn(read.Txn), static (r, v) => r.Txn = v),
        ShardRead.RequestOneofCase.HashKv => Reply(_store.HashKV(read.HashKv.Revision), static (r, v) => r.HashKv = v),
        _ => new ShardReply { Error = ShardError.KeyNotFound },
    };

    public void WriteSnapshot(Stream destination) => _store.WriteSnapshot(destination);

    public void RestoreSnapshot(Stream source) => _store = MvccStore.Restore(source);

    private static ShardReply Reply<T>(KvResult<T> result, Action<ShardReply, T> set) where T : class
    {
        var reply = new ShardReply();
        if (result.IsOk) set(reply, result.Value);
        else reply.Error = ShardErrors.From(result.Error);
        return reply;
    }
}
