using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Group0.Protocol;
using GrainKv.Shard;

namespace GrainKv.Grains.Group0;

/// <summary>
/// The members' published attributes in group 0, one key each ("member/" and the member id in hex). Read from the
/// nearest replica's applied state, as an etcd member lists members from its own store.
/// </summary>
public sealed class MemberDirectory(Group0Client group0)
{
    /// <summary>What each member that has published has published, by member id.</summary>
    public async Task<IReadOnlyDictionary<ulong, MemberAttributes>> ReadAsync()
    {
        var reply = await group0.ReadAsync(MemberAttributes.ReadAll());
        return reply.Error is ShardError.None ? MemberAttributes.All(reply.Range) : throw new Group0Exception(reply.Error);
    }

    /// <summary>Writes <paramref name="attributes"/> as <paramref name="memberId"/>'s unless they are there already.</summary>
    public async Task PublishAsync(ulong memberId, MemberAttributes attributes)
    {
        var key = MemberAttributes.KeyOf(memberId);
        var value = attributes.ToByteString();
        var reply = await group0.ProposeAsync(new ShardCommand
        {
            Txn = new TxnRequest
            {
                // A value compare fails on a missing key, so the put is the failure branch.
                Compare = { new Compare { Key = key, Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = value } },
                Failure = { new RequestOp { RequestPut = new PutRequest { Key = key, Value = value } } },
            },
        });
        if (reply.Error is not ShardError.None) throw new Group0Exception(reply.Error);
    }
}
