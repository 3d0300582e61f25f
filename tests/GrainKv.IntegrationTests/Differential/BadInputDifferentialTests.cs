using Etcdserverpb;
using Google.Protobuf;
using GrainKv.IntegrationTests.Infrastructure;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Differential;

/// <summary>
/// Bad requests get etcd's status code and exact message, and change nothing: the store's
/// revision and contents are the same before and after each of them.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class BadInputDifferentialTests
{
    private readonly DifferentialFixture _both;

    public BadInputDifferentialTests(DifferentialFixture both)
    {
        _both = both;
    }

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    private static RequestOp PutOp(string key) => new() { RequestPut = new PutRequest { Key = B(key), Value = B("v") } };

    public static TheoryData<string> Cases() => new(BadRequests.Keys);

    private static readonly Dictionary<string, Func<EtcdClient, Task<IMessage>>> BadRequests = new()
    {
        ["put empty key"] = async c => await c.PutAsync(new PutRequest { Value = B("v") }),
        ["range empty key"] = async c => await c.RangeAsync(new RangeRequest()),
        ["delete empty key"] = async c => await c.DeleteRangeAsync(new DeleteRangeRequest { RangeEnd = B("z") }),
        ["range future revision"] = async c => await c.RangeAsync(new RangeRequest { Key = B("bad/a"), Revision = 1_000_000 }),
        ["put unknown lease"] = async c => await c.PutAsync(new PutRequest { Key = B("bad/a"), Value = B("v"), Lease = 12345 }),
        ["put ignore_value with value"] = async c => await c.PutAsync(new PutRequest { Key = B("bad/a"), Value = B("v"), IgnoreValue = true }),
        ["put ignore_lease with lease"] = async c => await c.PutAsync(new PutRequest { Key = B("bad/a"), Lease = 5, IgnoreLease = true }),
        ["put ignore_value on absent key"] = async c => await c.PutAsync(new PutRequest { Key = B("bad/absent"), IgnoreValue = true }),
        ["put ignore_lease on absent key"] = async c => await c.PutAsync(new PutRequest { Key = B("bad/absent"), Value = B("v"), IgnoreLease = true }),
        ["put request too large"] = async c => await c.PutAsync(new PutRequest { Key = B("bad/big"), Value = ByteString.CopyFrom(new byte[1_600_000]) }),
        ["txn too many ops"] = async c => await c.TxnAsync(new TxnRequest { Success = { Enumerable.Range(0, 129).Select(i => PutOp($"bad/many/{i}")) } }),
        ["txn too many compares"] = async c => await c.TxnAsync(new TxnRequest
        {
            Compare = { Enumerable.Range(0, 129).Select(i => new Compare { Key = B($"bad/c/{i}"), Target = Compare.Types.CompareTarget.Version }) },
        }),
        ["txn duplicate put"] = async c => await c.TxnAsync(new TxnRequest { Success = { PutOp("bad/dup"), PutOp("bad/dup") } }),
        ["txn put inside delete"] = async c => await c.TxnAsync(new TxnRequest
        {
            Success = { new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B("bad/"), RangeEnd = B("bad0") } }, PutOp("bad/x") },
        }),
        ["txn nested put colliding with parent"] = async c => await c.TxnAsync(new TxnRequest
        {
            Success = { PutOp("bad/n"), new RequestOp { RequestTxn = new TxnRequest { Success = { PutOp("bad/n") } } } },
        }),
        ["txn empty request op"] = async c => await c.TxnAsync(new TxnRequest { Success = { new RequestOp() } }),
        ["txn empty compare key"] = async c => await c.TxnAsync(new TxnRequest { Compare = { new Compare() } }),
        ["txn unknown lease in chosen branch"] = async c => await c.TxnAsync(new TxnRequest
        {
            Success = { PutOp("bad/ok"), new RequestOp { RequestPut = new PutRequest { Key = B("bad/l"), Lease = 99 } } },
        }),
        ["txn future revision range in a write txn"] = async c => await c.TxnAsync(new TxnRequest
        {
            Success = { PutOp("bad/ok2"), new RequestOp { RequestRange = new RangeRequest { Key = B("bad/a"), Revision = 1_000_000 } } },
        }),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequest_GetsEtcdsErrorAndChangesNothing(string name)
    {
        await _both.BothAsync("seed", c => c.PutAsync("bad/a", "seed"));
        var before = await _both.BothAsync("before", c => c.RangeAsync(new RangeRequest { Key = B("bad/"), RangeEnd = B("bad0") }));

        var outcome = await _both.BothAsync(name, BadRequests[name]);

        Assert.NotNull(outcome.Error);
        var after = await _both.BothAsync("after", c => c.RangeAsync(new RangeRequest { Key = B("bad/"), RangeEnd = B("bad0") }));
        Assert.Equal(before.Text, after.Text);
    }

    [Fact]
    public async Task MalformedProtobuf_GetsInternalUnmarshallingError_FromBoth()
    {
        byte[] truncated = [0x0a, 0x05, 0x61];   // field 1, length 5, then only one byte
        foreach (var client in new[] { _both.EtcdClient, _both.GrainKvClient })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() =>
                client.RawUnaryAsync("etcdserverpb.KV", "Put", truncated));
            Assert.Equal(StatusCode.Internal, error.StatusCode);
            Assert.StartsWith("grpc: error unmarshalling request: ", error.Status.Detail);
        }
    }
}
