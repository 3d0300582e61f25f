using Etcdserverpb;
using static Etcdserverpb.Compare.Types;
using static GrainKv.Mvcc.Tests.Kv;

namespace GrainKv.Mvcc.Tests;

public class TxnTests
{
    /// <summary>a = "m" with create 2, mod 3, version 2, lease 7; b = "x" with create/mod 4; revision 4.</summary>
    private static MvccStore Fixture()
    {
        var store = new MvccStore(new SingleLease(7));
        store.PutOk("a", "q", lease: 7);
        store.PutOk("a", "m", lease: 7);
        store.PutOk("b", "x");
        return store;
    }

    private sealed class SingleLease(long id) : ILeaseLookup
    {
        public bool Exists(long leaseId) => leaseId == id;
    }

    private static Compare C(string key, CompareTarget target, CompareResult result, long number = 0, string? value = null, string end = "")
    {
        var compare = new Compare { Key = B(key), Target = target, Result = result, RangeEnd = B(end) };
        switch (target)
        {
            case CompareTarget.Version: compare.Version = number; break;
            case CompareTarget.Create: compare.CreateRevision = number; break;
            case CompareTarget.Mod: compare.ModRevision = number; break;
            case CompareTarget.Lease: compare.Lease = number; break;
            case CompareTarget.Value: compare.Value = B(value ?? ""); break;
        }
        return compare;
    }

    public static TheoryData<string, Compare, bool> CompareCases() => new()
    {
        { "version equal", C("a", CompareTarget.Version, CompareResult.Equal, 2), true },
        { "version greater", C("a", CompareTarget.Version, CompareResult.Greater, 1), true },
        { "version less false", C("a", CompareTarget.Version, CompareResult.Less, 2), false },
        { "version not equal", C("a", CompareTarget.Version, CompareResult.NotEqual, 3), true },
        { "create equal", C("a", CompareTarget.Create, CompareResult.Equal, 2), true },
        { "create less", C("a", CompareTarget.Create, CompareResult.Less, 3), true },
        { "mod equal", C("a", CompareTarget.Mod, CompareResult.Equal, 3), true },
        { "mod greater false", C("a", CompareTarget.Mod, CompareResult.Greater, 3), false },
        { "lease equal", C("a", CompareTarget.Lease, CompareResult.Equal, 7), true },
        { "lease of unleased key is 0", C("b", CompareTarget.Lease, CompareResult.Equal, 0), true },
        { "value equal", C("a", CompareTarget.Value, CompareResult.Equal, value: "m"), true },
        { "value greater", C("a", CompareTarget.Value, CompareResult.Greater, value: "l"), true },
        { "value less (prefix is smaller)", C("a", CompareTarget.Value, CompareResult.Less, value: "mm"), true },
        { "value not equal false", C("a", CompareTarget.Value, CompareResult.NotEqual, value: "m"), false },
        { "absent key: version 0", C("zz", CompareTarget.Version, CompareResult.Equal, 0), true },
        { "absent key: create 0", C("zz", CompareTarget.Create, CompareResult.Equal, 0), true },
        { "absent key: mod greater false", C("zz", CompareTarget.Mod, CompareResult.Greater, 0), false },
        { "absent key: value equal empty is false", C("zz", CompareTarget.Value, CompareResult.Equal, value: ""), false },
        { "absent key: value not equal is false", C("zz", CompareTarget.Value, CompareResult.NotEqual, value: "x"), false },
        { "range: all versions > 0", C("a", CompareTarget.Version, CompareResult.Greater, 0, end: "c"), true },
        { "range: not all versions 2", C("a", CompareTarget.Version, CompareResult.Equal, 2, end: "c"), false },
        { "range: all mods < 5", C("a", CompareTarget.Mod, CompareResult.Less, 5, end: "\0"), true },
        { "empty range compares a zero kv", C("c", CompareTarget.Create, CompareResult.Equal, 0, end: "z"), true },
        { "empty range value is false", C("c", CompareTarget.Value, CompareResult.Equal, value: "", end: "z"), false },
        { "mismatched target_union compares 0", new Compare { Key = B("a"), Target = CompareTarget.Mod, Result = CompareResult.Greater, Version = 99 }, true },
        { "missing value union compares empty bytes", new Compare { Key = B("a"), Target = CompareTarget.Value, Result = CompareResult.Greater }, true },
    };

    [Theory, MemberData(nameof(CompareCases))]
    public void Txn_Compare_ChoosesBranch(string name, Compare compare, bool expected)
    {
        var response = Fixture().Txn(Txn([compare])).Value;

        Assert.True(expected == response.Succeeded, name);
    }

    [Fact]
    public void Txn_EmptyCompare_Succeeds()
    {
        Assert.True(Fixture().Txn(Txn()).Value.Succeeded);
    }

    [Fact]
    public void Txn_Writes_ShareOneRevisionAndSeeEarlierOps()
    {
        var store = Fixture();

        var response = store.Txn(Txn(success: [Op(Get("a")), Op(Put("c", "1")), Op(Get("c")), Op(Delete("zz")), Op(Put("d", "2"))])).Value;

        Assert.Equal(5, response.Header.Revision);
        Assert.Equal([4L, 5L, 5L, 5L, 5L], response.Responses.Select(r => r.ResponseCase switch
        {
            ResponseOp.ResponseOneofCase.ResponseRange => r.ResponseRange.Header.Revision,
            ResponseOp.ResponseOneofCase.ResponsePut => r.ResponsePut.Header.Revision,
            _ => r.ResponseDeleteRange.Header.Revision,
        }));
        Assert.Equal("1", S(response.Responses[2].ResponseRange.Kvs[0].Value));
        Assert.Equal(0UL, response.Responses[0].ResponseRange.Header.ClusterId);
        var events = store.ChangesFrom(5).Value;
        Assert.Equal(["c", "d"], events.Select(e => S(e.Kv.Key)));
    }

    [Fact]
    public void Txn_ReadOnly_DoesNotAdvanceRevision()
    {
        var store = Fixture();

        var response = store.Txn(Txn(success: [Op(Get("a")), Op(Delete("absent"))])).Value;

        Assert.Equal((4L, 4L), (response.Header.Revision, store.Revision));
    }

    [Fact]
    public void Txn_DeleteThenRecreateInOneTxn_NewGenerationAtTxnRevision()
    {
        var store = Fixture();

        Assert.True(store.Txn(Txn(success: [Op(Delete("a", "\0")), Op(Put("a", "n"))])).IsOk);
        var kv = store.GetOne("a")!;

        Assert.Equal((5L, 5L, 1L), (kv.CreateRevision, kv.ModRevision, kv.Version));
        Assert.Null(store.GetOne("b"));
        Assert.Equal([Mvccpb.Event.Types.EventType.Delete, Mvccpb.Event.Types.EventType.Delete, Mvccpb.Event.Types.EventType.Put],
            store.ChangesFrom(5).Value.Select(e => e.Type));
    }

    [Fact]
    public void Txn_NestedCompares_AreDecidedBeforeAnyOpRuns()
    {
        // Verified on etcd 3.4: the inner compare sees the state before the outer put.
        var store = new MvccStore();
        var inner = Txn([C("a", CompareTarget.Version, CompareResult.Greater, 0)], [Op(Put("b", "1"))], [Op(Put("c", "1"))]);

        var response = store.Txn(Txn(success: [Op(Put("a", "1")), Op(inner)])).Value;

        var innerResponse = response.Responses[1].ResponseTxn;
        Assert.False(innerResponse.Succeeded);
        Assert.Equal(0, innerResponse.Header.Revision);
        Assert.Equal(2, innerResponse.Responses[0].ResponsePut.Header.Revision);
        Assert.NotNull(store.GetOne("c"));
        Assert.Null(store.GetOne("b"));
    }

    public static TheoryData<string, TxnRequest, KvError> FailingCases() => new()
    {
        { "ignore_value on absent key", Txn(success: [Op(Put("x", "1")), Op(new PutRequest { Key = B("zz"), IgnoreValue = true })]), KvError.KeyNotFound },
        { "unknown lease", Txn(success: [Op(Put("x", "1")), Op(Put("y", "1", lease: 9))]), KvError.LeaseNotFound },
        { "ignore check before lease check", Txn(success: [Op(new PutRequest { Key = B("zz"), IgnoreLease = false, IgnoreValue = true, Lease = 9 })]), KvError.KeyNotFound },
        { "future range revision", Txn(success: [Op(Put("x", "1")), Op(Get("a", revision: 5))]), KvError.FutureRevision },
        { "put errors before range errors", Txn(success: [Op(Get("a", revision: 5)), Op(Put("y", "1", lease: 9))]), KvError.LeaseNotFound },
        { "error in nested chosen branch", Txn(failure: [Op(Put("x", "1"))], success: [Op(Txn(success: [Op(Put("y", "1", lease: 9))]))]), KvError.LeaseNotFound },
        { "failure branch error", Txn([C("a", CompareTarget.Version, CompareResult.Equal, 99)], failure: [Op(Delete("a")), Op(Get("a", revision: 10))]), KvError.FutureRevision },
    };

    [Theory, MemberData(nameof(FailingCases))]
    public void Txn_ErrorInChosenOps_FailsWholeTxnWithNothingApplied(string name, TxnRequest txn, KvError expected)
    {
        var store = Fixture();
        var hashBefore = store.Hash();

        var result = store.Txn(txn);

        Assert.True(expected == result.Error, $"{name}: {result.Error}");
        Assert.Equal(4, store.Revision);
        Assert.Equal(hashBefore, store.Hash());
    }

    [Fact]
    public void Txn_ErrorInBranchNotTaken_IsIgnored()
    {
        var store = Fixture();

        var response = store.Txn(Txn(success: [Op(Put("x", "1"))], failure: [Op(Put("y", "1", lease: 9))])).Value;

        Assert.True(response.Succeeded);
        Assert.Equal(5, store.Revision);
    }

    [Fact]
    public void Txn_RangeAtCompactedRevision_FailsAndNegativeBelowCompactFails()
    {
        var store = Fixture();
        Assert.True(store.Compact(new CompactionRequest { Revision = 3 }).IsOk);

        Assert.Equal(KvError.Compacted, store.Txn(Txn(success: [Op(Get("a", revision: 2))])).Error);
        Assert.True(store.Txn(Txn(success: [Op(Get("a", revision: 3))])).IsOk);
        Assert.Equal(KvError.Compacted, store.Txn(Txn(success: [Op(Get("a", revision: -1))])).Error);
        Assert.True(store.Range(Get("a", revision: -1)).IsOk);
    }
}
