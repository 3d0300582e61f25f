using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Mvcc;
using Mvccpb;

namespace GrainKv.Mvcc.Tests;

/// <summary>Short builders for requests and readers for responses; keys and values are UTF-8 text.</summary>
internal static class Kv
{
    public static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    public static string S(ByteString bytes) => bytes.ToStringUtf8();

    public static PutRequest Put(string key, string value, long lease = 0) => new() { Key = B(key), Value = B(value), Lease = lease };

    public static RangeRequest Get(string key, string rangeEnd = "", long revision = 0) =>
        new() { Key = B(key), RangeEnd = B(rangeEnd), Revision = revision };

    public static DeleteRangeRequest Delete(string key, string rangeEnd = "") => new() { Key = B(key), RangeEnd = B(rangeEnd) };

    public static RequestOp Op(PutRequest put) => new() { RequestPut = put };
    public static RequestOp Op(RangeRequest range) => new() { RequestRange = range };
    public static RequestOp Op(DeleteRangeRequest delete) => new() { RequestDeleteRange = delete };
    public static RequestOp Op(TxnRequest txn) => new() { RequestTxn = txn };

    public static TxnRequest Txn(IEnumerable<Compare>? compare = null, IEnumerable<RequestOp>? success = null, IEnumerable<RequestOp>? failure = null)
    {
        var txn = new TxnRequest();
        txn.Compare.AddRange(compare ?? []);
        txn.Success.AddRange(success ?? []);
        txn.Failure.AddRange(failure ?? []);
        return txn;
    }

    public static long PutOk(this MvccStore store, string key, string value, long lease = 0) =>
        store.Put(Put(key, value, lease)).Value.Header.Revision;

    public static KeyValue? GetOne(this MvccStore store, string key, long revision = 0)
    {
        var kvs = store.Range(Get(key, revision: revision)).Value.Kvs;
        return kvs.Count == 0 ? null : kvs[0];
    }

    public static string[] Keys(RangeResponse response) => response.Kvs.Select(kv => S(kv.Key)).ToArray();

    public static string Join(RangeResponse response) => string.Join(",", Keys(response));
}
