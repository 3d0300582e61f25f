using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Gateway.Coordination;
using Mvccpb;

namespace GrainKv.Grains.Tests.Coordination;

public sealed class RecipeRequestsTests
{
    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    private static ByteString Hex(string hex) => ByteString.CopyFrom(Convert.FromHexString(hex));

    [Theory]
    [InlineData(0x1a2bL, "lk/1a2b")]
    [InlineData(1L, "lk/1")]
    [InlineData(0x694d7a1c5e3f0b21L, "lk/694d7a1c5e3f0b21")]
    [InlineData(long.MaxValue, "lk/7fffffffffffffff")]
    [InlineData(-5L, "lk/-5")]
    [InlineData(long.MinValue, "lk/-8000000000000000")]
    public void ContenderKey_IsThePrefixAndTheLeaseInGoHex(long lease, string key) =>
        Assert.Equal(B(key), RecipeRequests.ContenderKey(RecipeRequests.Prefix(B("lk")), lease));

    [Fact]
    public void ContenderKey_KeepsTheNameBytesAsTheyAre() =>
        Assert.Equal(Hex("ff00e92f" + "6162"), RecipeRequests.ContenderKey(RecipeRequests.Prefix(Hex("ff00e9")), 0xab));

    [Fact]
    public void FirstCreated_IsTheOldestKeyUnderThePrefix()
    {
        var range = RecipeRequests.FirstCreated(B("el/"));
        Assert.Equal(new RangeRequest
        {
            Key = B("el/"), RangeEnd = B("el0"), Limit = 1,
            SortTarget = RangeRequest.Types.SortTarget.Create, SortOrder = RangeRequest.Types.SortOrder.Ascend,
        }, range);
    }

    [Fact]
    public void LastCreatedUpTo_IsTheNewestKeyNoLaterThanTheRevision()
    {
        var range = RecipeRequests.LastCreatedUpTo(B("lk/"), 41);
        Assert.Equal(new RangeRequest
        {
            Key = B("lk/"), RangeEnd = B("lk0"), Limit = 1, MaxCreateRevision = 41,
            SortTarget = RangeRequest.Types.SortTarget.Create, SortOrder = RangeRequest.Types.SortOrder.Descend,
        }, range);
    }

    [Fact]
    public void Lock_CreatesTheKeyOnceAndReadsTheOwnerEitherWay()
    {
        var txn = RecipeRequests.Lock(B("lk/7"), B("lk/"), 7);

        var compare = Assert.Single(txn.Compare);
        Assert.Equal(Compare.TargetUnionOneofCase.CreateRevision, compare.TargetUnionCase);
        Assert.Equal((B("lk/7"), Compare.Types.CompareTarget.Create, Compare.Types.CompareResult.Equal, 0L),
            (compare.Key, compare.Target, compare.Result, compare.CreateRevision));
        Assert.Equal([new PutRequest { Key = B("lk/7"), Lease = 7 }], txn.Success.Take(1).Select(op => op.RequestPut));
        Assert.Equal([new RangeRequest { Key = B("lk/7") }], txn.Failure.Take(1).Select(op => op.RequestRange));
        Assert.All([txn.Success[1], txn.Failure[1]], op => Assert.Equal(RecipeRequests.FirstCreated(B("lk/")), op.RequestRange));
        Assert.Equal(2, txn.Success.Count);
        Assert.Equal(2, txn.Failure.Count);
    }

    [Fact]
    public void Campaign_CreatesTheKeyWithTheValueOrReadsIt()
    {
        var txn = RecipeRequests.Campaign(B("el/7"), B("v"), 7);

        Assert.Equal((Compare.Types.CompareTarget.Create, 0L), (Assert.Single(txn.Compare).Target, txn.Compare[0].CreateRevision));
        Assert.Equal(Compare.TargetUnionOneofCase.CreateRevision, txn.Compare[0].TargetUnionCase);
        Assert.Equal(new PutRequest { Key = B("el/7"), Value = B("v"), Lease = 7 }, Assert.Single(txn.Success).RequestPut);
        Assert.Equal(new RangeRequest { Key = B("el/7") }, Assert.Single(txn.Failure).RequestRange);
    }

    [Fact]
    public void ProclaimAndResign_ActOnlyWhileTheKeyHasItsCreateRevision()
    {
        var proclaim = RecipeRequests.Proclaim(B("el/7"), 12, B("v2"), 9);
        var resign = RecipeRequests.Resign(B("el/7"), 12);

        foreach (var txn in new[] { proclaim, resign })
        {
            var compare = Assert.Single(txn.Compare);
            Assert.Equal((B("el/7"), Compare.Types.CompareTarget.Create, Compare.Types.CompareResult.Equal, 12L),
                (compare.Key, compare.Target, compare.Result, compare.CreateRevision));
            Assert.Empty(txn.Failure);
        }
        Assert.Equal(new PutRequest { Key = B("el/7"), Value = B("v2"), Lease = 9 }, Assert.Single(proclaim.Success).RequestPut);
        Assert.Equal(new DeleteRangeRequest { Key = B("el/7") }, Assert.Single(resign.Success).RequestDeleteRange);
    }

    private static TxnResponse Locked(bool created, long revision, long? existingCreateRevision, long? ownerCreateRevision)
    {
        var response = new TxnResponse { Header = new ResponseHeader { Revision = revision }, Succeeded = created };
        var first = new RangeResponse();
        if (existingCreateRevision is { } existing) first.Kvs.Add(new KeyValue { Key = B("lk/7"), CreateRevision = existing });
        var owner = new RangeResponse();
        if (ownerCreateRevision is { } ownerRevision) owner.Kvs.Add(new KeyValue { Key = B("lk/1"), CreateRevision = ownerRevision });
        response.Responses.Add(created ? new ResponseOp { ResponsePut = new PutResponse() } : new ResponseOp { ResponseRange = first });
        response.Responses.Add(new ResponseOp { ResponseRange = owner });
        return response;
    }

    [Theory]
    [InlineData(true, 20L, null, 20L, 20L, true)]
    [InlineData(true, 20L, null, 15L, 20L, false)]
    [InlineData(false, 30L, 18L, 18L, 18L, true)]
    [InlineData(false, 30L, 18L, 15L, 18L, false)]
    [InlineData(false, 30L, 18L, null, 18L, true)]
    public void OwnCreateRevisionAndOwnsLock_ReadTheLockAnswer(bool created, long revision, long? existing, long? owner,
        long ownRevision, bool owns)
    {
        var answer = Locked(created, revision, existing, owner);
        Assert.Equal(ownRevision, RecipeRequests.OwnCreateRevision(answer));
        Assert.Equal(owns, RecipeRequests.OwnsLock(answer));
    }
}
