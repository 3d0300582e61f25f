using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Gateway.Routing;

namespace GrainKv.Grains.Tests.Routing;

/// <summary>How a txn is routed: through Raft when it writes, else read linearizably unless etcd 3.4's isTxnSerializable holds.</summary>
public sealed class TxnShapeTests
{
    private static readonly Dictionary<string, TxnRequest> Txns = new()
    {
        ["compares only"] = Txn(compare: true),
        ["linearizable range"] = Txn(compare: true, success: [Range(serializable: false)]),
        ["serializable ranges in both branches"] = Txn(compare: true, success: [Range(serializable: true)], failure: [Range(serializable: true)]),
        ["serializable and linearizable ranges"] = Txn(compare: true, success: [Range(serializable: true)], failure: [Range(serializable: false)]),
        ["nested txn of serializable ranges"] = Txn(compare: true, success: [new RequestOp { RequestTxn = Txn(compare: true, success: [Range(serializable: true)]) }]),
        ["nested txn with a put"] = Txn(compare: true, failure: [new RequestOp { RequestTxn = Txn(compare: false, success: [Put()]) }]),
        ["put"] = Txn(compare: true, success: [Put()]),
        ["delete in the failure branch"] = Txn(compare: true, success: [Range(serializable: true)],
            failure: [new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("k") } }]),
    };

    public static TheoryData<string, bool> ReadOnlyRows => new()
    {
        { "compares only", true },
        { "linearizable range", true },
        { "serializable ranges in both branches", true },
        { "nested txn of serializable ranges", true },
        { "nested txn with a put", false },
        { "put", false },
        { "delete in the failure branch", false },
    };

    /// <summary>Verified against etcd 3.4.23 with its quorum lost: a compares-only txn and one of serializable gets are answered, one with a linearizable get times out.</summary>
    public static TheoryData<string, bool> SerializableRows => new()
    {
        { "compares only", true },
        { "serializable ranges in both branches", true },
        { "linearizable range", false },
        { "serializable and linearizable ranges", false },
        { "nested txn of serializable ranges", false },
    };

    [Theory, MemberData(nameof(ReadOnlyRows))]
    public void IsReadOnly_WritesAnywhereInTheTxn_AreNotReadOnly(string txn, bool readOnly) =>
        Assert.Equal(readOnly, TxnShape.IsReadOnly(Txns[txn]));

    [Theory, MemberData(nameof(SerializableRows))]
    public void IsSerializable_ReadOnlyTxn_OnlyWhenEveryOpIsASerializableRange(string txn, bool serializable) =>
        Assert.Equal(serializable, TxnShape.IsSerializable(Txns[txn]));

    private static TxnRequest Txn(bool compare, RequestOp[]? success = null, RequestOp[]? failure = null)
    {
        var txn = new TxnRequest();
        if (compare)
        {
            txn.Compare.Add(new Compare { Key = ByteString.CopyFromUtf8("k"), Target = Compare.Types.CompareTarget.Version, Version = 0 });
        }
        txn.Success.AddRange(success ?? []);
        txn.Failure.AddRange(failure ?? []);
        return txn;
    }

    private static RequestOp Range(bool serializable) =>
        new() { RequestRange = new RangeRequest { Key = ByteString.CopyFromUtf8("k"), Serializable = serializable } };

    private static RequestOp Put() => new() { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFromUtf8("v") } };
}
