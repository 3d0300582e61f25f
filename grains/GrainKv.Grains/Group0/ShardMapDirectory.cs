using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Sharding;
using GrainKv.Group0.Protocol;
using GrainKv.Shard;

namespace GrainKv.Grains.Group0;

/// <summary>
/// The cluster's shard map in group 0, under one key ("shards/map"): written once at bootstrap from the members' flags
/// and then only by group 0 proposals that make a new version.
/// </summary>
public sealed class ShardMapDirectory(Group0Client group0)
{
    private static readonly ByteString Key = ByteString.CopyFromUtf8("shards/map");

    /// <summary>The map group 0 holds, read linearizably (from its leader); null before bootstrap wrote one.</summary>
    public async Task<ShardMap?> ReadAsync()
    {
        var reply = await group0.ReadAsync(new ShardRead { Range = new RangeRequest { Key = Key } });
        if (reply.Error is not ShardError.None) throw new Group0Exception(reply.Error);
        return reply.Range.Kvs.Count == 0 ? null : ShardMap.FromRecord(ShardMapRecord.Parser.ParseFrom(reply.Range.Kvs[0].Value));
    }

    /// <summary>
    /// Writes <paramref name="initial"/> unless group 0 holds a map already (another member bootstrapped it, or this
    /// cluster ran before), and answers the map group 0 holds then.
    /// </summary>
    public async Task<ShardMap> BootstrapAsync(ShardMap initial)
    {
        var reply = await group0.ProposeAsync(new ShardCommand
        {
            Txn = new TxnRequest
            {
                // A key that was never written has create revision 0.
                Compare = { new Compare { Key = Key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 } },
                Success = { new RequestOp { RequestPut = new PutRequest { Key = Key, Value = initial.ToRecord().ToByteString() } } },
                Failure = { new RequestOp { RequestRange = new RangeRequest { Key = Key } } },
            },
        });
        if (reply.Error is not ShardError.None) throw new Group0Exception(reply.Error);
        return reply.Txn.Succeeded
            ? initial
            : ShardMap.FromRecord(ShardMapRecord.Parser.ParseFrom(reply.Txn.Responses[0].ResponseRange.Kvs[0].Value));
    }
}
