using Etcdserverpb;
using static GrainKv.Leases.Tests.LeasedShard;

namespace GrainKv.Leases.Tests;

public class AttachTests
{
    private readonly LeasedShard _shard = new();

    public AttachTests()
    {
        _shard.Lessor.Grant(7, 5, nowMs: 0);
        _shard.Lessor.Grant(8, 5, nowMs: 0);
        _shard.Lessor.Promote(nowMs: 0, extendMs: 0);
    }

    [Fact]
    public void Put_WithLease_AttachesTheKey()
    {
        _shard.Put("a", lease: 7);

        Assert.Equal(7, _shard.LeaseOf("a"));
        Assert.Equal(["a"], Keys(7));
    }

    [Fact]
    public void Put_WithAnotherLease_MovesTheKey()
    {
        _shard.Put("a", lease: 7);

        _shard.Put("a", lease: 8);

        Assert.Equal(8, _shard.LeaseOf("a"));
        Assert.Empty(Keys(7));
        Assert.Equal(["a"], Keys(8));
    }

    [Fact]
    public void Put_WithoutLease_DetachesTheKey()
    {
        _shard.Put("a", lease: 7);

        _shard.Put("a");

        Assert.Equal(0, _shard.LeaseOf("a"));
        Assert.Empty(Keys(7));
    }

    [Fact]
    public void Put_IgnoreLease_KeepsTheKeyAttached()
    {
        _shard.Put("a", lease: 7);

        _shard.Put("a", ignoreLease: true);

        Assert.Equal(7, _shard.LeaseOf("a"));
        Assert.Equal(["a"], Keys(7));
    }

    [Theory]
    [InlineData("a", "")]
    [InlineData("a", "c")]
    [InlineData("\0", "\0")]
    public void DeleteRange_CoveringTheKey_DetachesIt(string key, string rangeEnd)
    {
        _shard.Put("a", lease: 7);
        _shard.Put("b", lease: 7);

        _shard.Delete(key, rangeEnd);

        Assert.Equal(0, _shard.LeaseOf("a"));
        Assert.DoesNotContain("a", Keys(7));
    }

    [Fact]
    public void Txn_PutThenDeleteAndPutWithLease_FollowsEventsInOrder()
    {
        _shard.Put("a", lease: 7);
        var txn = new TxnRequest();
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = B("a") } });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = B("b"), Lease = 8 } });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = B("c"), Lease = 7 } });

        Assert.True(_shard.Txn(txn).IsOk);

        Assert.Equal(0, _shard.LeaseOf("a"));
        Assert.Equal(["c"], Keys(7));
        Assert.Equal(["b"], Keys(8));
    }

    [Fact]
    public void Revoke_AfterKeyMovedAway_LeavesTheMovedKeyAlive()
    {
        _shard.Put("a", lease: 7);
        _shard.Put("b", lease: 7);
        _shard.Put("a", lease: 8);

        Assert.Equal(["b"], _shard.Revoke(7).Value.Keys.Select(k => k.ToStringUtf8()));

        Assert.True(_shard.IsLive("a"));
        Assert.False(_shard.IsLive("b"));
        Assert.Equal(8, _shard.LeaseOf("a"));
    }

    [Fact]
    public void ApplyWrite_PutNamingUnknownLease_FailsLoudly()
    {
        var put = new Mvccpb.Event { Type = Mvccpb.Event.Types.EventType.Put, Kv = new Mvccpb.KeyValue { Key = B("a"), Lease = 99 } };

        Assert.Throws<InvariantViolationException>(() => _shard.Lessor.ApplyWrite([put]));
    }

    private IEnumerable<string> Keys(long leaseId) =>
        _shard.Lessor.TimeToLive(leaseId, nowMs: 0).Value.Keys.Select(k => k.ToStringUtf8());
}
