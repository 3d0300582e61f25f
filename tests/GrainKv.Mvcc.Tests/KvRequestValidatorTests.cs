using Etcdserverpb;
using static GrainKv.Mvcc.Tests.Kv;

namespace GrainKv.Mvcc.Tests;

public class KvRequestValidatorTests
{
    [Theory]
    [InlineData("", "v", false, 0L, false, KvError.EmptyKey)]
    [InlineData("k", "v", true, 0L, false, KvError.ValueProvided)]
    [InlineData("k", "", true, 0L, false, KvError.None)]
    [InlineData("k", "v", false, 5L, true, KvError.LeaseProvided)]
    [InlineData("k", "v", false, 0L, true, KvError.None)]
    [InlineData("", "v", true, 5L, true, KvError.EmptyKey)]
    [InlineData("k", "v", true, 5L, true, KvError.ValueProvided)]
    public void ValidatePut_Table_ReturnsExpectedError(string key, string value, bool ignoreValue, long lease, bool ignoreLease, KvError expected)
    {
        var put = new PutRequest { Key = B(key), Value = B(value), IgnoreValue = ignoreValue, Lease = lease, IgnoreLease = ignoreLease };

        Assert.Equal(expected, KvRequestValidator.Validate(put));
    }

    [Fact]
    public void ValidateRangeAndDelete_EmptyKey_ReturnEmptyKey()
    {
        Assert.Equal(KvError.EmptyKey, KvRequestValidator.Validate(Get("")));
        Assert.Equal(KvError.EmptyKey, KvRequestValidator.Validate(Delete("")));
        Assert.Equal(KvError.None, KvRequestValidator.Validate(Get("a", "\0")));
        Assert.Equal(KvError.None, KvRequestValidator.Validate(Delete("a")));
    }

    [Theory]
    [InlineData(128, 0, 0, KvError.None)]
    [InlineData(129, 0, 0, KvError.TooManyOps)]
    [InlineData(0, 129, 0, KvError.TooManyOps)]
    [InlineData(0, 0, 129, KvError.TooManyOps)]
    [InlineData(128, 128, 128, KvError.None)]
    public void ValidateTxn_OpCountPerList_LimitsEachListSeparately(int compares, int successes, int failures, KvError expected)
    {
        var txn = Txn(
            Enumerable.Range(0, compares).Select(i => new Compare { Key = B($"c{i}") }),
            Enumerable.Range(0, successes).Select(i => Op(Get($"s{i}"))),
            Enumerable.Range(0, failures).Select(i => Op(Get($"f{i}"))));

        Assert.Equal(expected, KvRequestValidator.Validate(txn));
    }

    [Theory]
    [InlineData(3, 2, KvError.None)]
    [InlineData(3, 3, KvError.TooManyOps)]
    public void ValidateTxn_NestedTxn_IsLimitedByWhatTheParentLeft(int parentOps, int nestedOps, KvError expected)
    {
        var nested = Txn(success: Enumerable.Range(0, nestedOps).Select(i => Op(Get($"n{i}"))));
        var parent = Txn(success: Enumerable.Range(0, parentOps - 1).Select(i => Op(Get($"p{i}"))).Append(Op(nested)));

        Assert.Equal(expected, KvRequestValidator.Validate(parent, maxTxnOps: 5));
    }

    public static TheoryData<string, TxnRequest, KvError> ShapeCases() => new()
    {
        { "empty compare key", Txn([new Compare { Key = B("") }]), KvError.EmptyKey },
        { "empty range key", Txn(success: [Op(Get(""))]), KvError.EmptyKey },
        { "empty delete key in failure", Txn(failure: [Op(Delete(""))]), KvError.EmptyKey },
        { "put with value and ignore_value", Txn(success: [Op(new PutRequest { Key = B("a"), Value = B("v"), IgnoreValue = true })]), KvError.ValueProvided },
        { "empty RequestOp", Txn(success: [new RequestOp()]), KvError.KeyNotFound },
        { "empty RequestOp in nested", Txn(success: [Op(Txn(failure: [new RequestOp()]))]), KvError.KeyNotFound },
        { "empty key in nested compare", Txn(success: [Op(Txn([new Compare()]))]), KvError.EmptyKey },
        { "well formed", Txn([new Compare { Key = B("a") }], [Op(Put("a", "1"))], [Op(Get("a"))]), KvError.None },
    };

    [Theory, MemberData(nameof(ShapeCases))]
    public void ValidateTxn_Shape_ReturnsExpectedError(string name, TxnRequest txn, KvError expected)
    {
        Assert.True(expected == KvRequestValidator.Validate(txn), name);
    }

    public static TheoryData<string, TxnRequest, KvError> DuplicateKeyCases() => new()
    {
        { "two puts of one key", Txn(success: [Op(Put("a", "1")), Op(Put("a", "2"))]), KvError.DuplicateKey },
        { "two puts of one key in failure", Txn(failure: [Op(Put("a", "1")), Op(Put("a", "2"))]), KvError.DuplicateKey },
        { "same key in success and failure", Txn(success: [Op(Put("a", "1"))], failure: [Op(Put("a", "2"))]), KvError.None },
        { "put then delete of it", Txn(success: [Op(Put("a", "1")), Op(Delete("a"))]), KvError.DuplicateKey },
        { "delete then put of it", Txn(success: [Op(Delete("a")), Op(Put("a", "1"))]), KvError.DuplicateKey },
        { "put inside a deleted range", Txn(success: [Op(Delete("a", "c")), Op(Put("b", "1"))]), KvError.DuplicateKey },
        { "put at a deleted range's end", Txn(success: [Op(Delete("a", "c")), Op(Put("c", "1"))]), KvError.None },
        { "put below a deleted range", Txn(success: [Op(Delete("b", "c")), Op(Put("a", "1"))]), KvError.None },
        { "put after a from-key delete (verified on etcd 3.4)", Txn(success: [Op(Delete("a", "\0")), Op(Put("b", "1"))]), KvError.None },
        { "overlapping deletes", Txn(success: [Op(Delete("a", "z")), Op(Delete("b")), Op(Delete("a", "c"))]), KvError.None },
        { "ranges and a put", Txn(success: [Op(Get("a")), Op(Put("a", "1")), Op(Get("a", "z"))]), KvError.None },
        { "nested put collides with parent put", Txn(success: [Op(Put("a", "1")), Op(Txn(success: [Op(Put("a", "2"))]))]), KvError.DuplicateKey },
        { "nested put collides with parent delete", Txn(success: [Op(Delete("a", "c")), Op(Txn(failure: [Op(Put("b", "2"))]))]), KvError.DuplicateKey },
        { "nested puts in sibling txns", Txn(success: [Op(Txn(success: [Op(Put("a", "1"))])), Op(Txn(success: [Op(Put("a", "2"))]))]), KvError.DuplicateKey },
        { "nested then and else put one key", Txn(success: [Op(Txn(success: [Op(Put("a", "1"))], failure: [Op(Put("a", "2"))]))]), KvError.None },
        { "nested delete collides with parent put", Txn(success: [Op(Txn(success: [Op(Delete("a"))])), Op(Put("a", "1"))]), KvError.DuplicateKey },
        { "nested delete collides with later sibling put", Txn(success: [Op(Txn(failure: [Op(Delete("a", "b"))])), Op(Txn(success: [Op(Put("a", "1"))]))]), KvError.DuplicateKey },
        { "nested else put collides with earlier sibling put", Txn(success: [Op(Txn(success: [Op(Put("a", "1"))])), Op(Txn(failure: [Op(Put("a", "2"))]))]), KvError.DuplicateKey },
        { "nested then delete and else put of one key", Txn(success: [Op(Txn(success: [Op(Delete("a"))], failure: [Op(Put("a", "2"))]))]), KvError.None },
        { "doubly nested put collides with top put", Txn(success: [Op(Put("a", "1")), Op(Txn(success: [Op(Txn(success: [Op(Put("a", "2"))]))]))]), KvError.DuplicateKey },
        { "duplicate inside nested txn", Txn(success: [Op(Txn(failure: [Op(Put("a", "1")), Op(Put("a", "2"))]))]), KvError.DuplicateKey },
    };

    [Theory, MemberData(nameof(DuplicateKeyCases))]
    public void ValidateTxn_DuplicateKeyRule_MatchesEtcd(string name, TxnRequest txn, KvError expected)
    {
        Assert.True(expected == KvRequestValidator.Validate(txn), $"{name}: expected {expected}, got {KvRequestValidator.Validate(txn)}");
    }

    [Fact]
    public void ValidateTxn_TooManyOpsAndDuplicate_ReportsTooManyOpsFirst()
    {
        var txn = Txn(success: Enumerable.Range(0, 3).Select(_ => Op(Put("a", "1"))));

        Assert.Equal(KvError.TooManyOps, KvRequestValidator.Validate(txn, maxTxnOps: 2));
        Assert.Equal(KvError.DuplicateKey, KvRequestValidator.Validate(txn, maxTxnOps: 3));
    }
}
