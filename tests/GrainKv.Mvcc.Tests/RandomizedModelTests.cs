using Etcdserverpb;
using static GrainKv.Mvcc.Tests.Kv;

namespace GrainKv.Mvcc.Tests;

public class RandomizedModelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(2024)]
    public void MvccStore_RandomOperations_MatchReferenceModel(int seed)
    {
        var random = new Random(seed);
        var store = new MvccStore();
        var model = new ReferenceModel();
        string RandomKey() => $"k{random.Next(12):D2}";
        string RandomEnd(string key) => random.Next(4) switch
        {
            0 => "",
            1 => "\0",
            _ => $"k{random.Next(14):D2}",
        };
        RangeRequest RandomRange() => new()
        {
            Key = B(RandomKey()), RangeEnd = B(RandomEnd("")), Limit = random.Next(4),
            Revision = random.Next(3) == 0 ? random.NextInt64(-1, store.Revision + 2) : 0,
            KeysOnly = random.Next(4) == 0, CountOnly = random.Next(6) == 0,
        };

        for (var step = 0; step < 2_000; step++)
        {
            var context = $"seed={seed} step={step}";
            switch (random.Next(10))
            {
                case < 3:
                {
                    var put = Put(RandomKey(), $"v{step}");
                    put.PrevKv = random.Next(2) == 0;
                    var expected = model.Put(put);
                    model.Commit();
                    Assert.True(expected.Equals(store.Put(put).Value), context);
                    break;
                }
                case 3:
                {
                    var key = RandomKey();
                    var delete = new DeleteRangeRequest { Key = B(key), RangeEnd = B(RandomEnd(key)), PrevKv = random.Next(2) == 0 };
                    var expected = model.DeleteRange(delete);
                    model.Commit();
                    Assert.True(expected.Equals(store.DeleteRange(delete)), context);
                    break;
                }
                case < 6:
                {
                    var range = RandomRange();
                    var expected = model.Range(range);
                    var actual = store.Range(range);
                    Assert.True(expected.Error == actual.Error, context);
                    Assert.True(!expected.IsOk || expected.Value.Equals(actual.Value), $"{context}: {expected} vs {actual}");
                    break;
                }
                case < 9:
                {
                    var txn = RandomTxn(random, RandomKey, RandomEnd, store.Revision);
                    if (KvRequestValidator.Validate(txn) != KvError.None)
                    {
                        break;
                    }
                    var expected = model.Txn(txn);
                    var actual = store.Txn(txn);
                    Assert.True(expected.Error == actual.Error, $"{context}: {expected} vs {actual}");
                    Assert.True(!expected.IsOk || expected.Value.Equals(actual.Value), $"{context}: {expected} vs {actual}");
                    break;
                }
                default:
                {
                    var revision = random.NextInt64(store.CompactRevision + 1, store.Revision + 1);
                    if (random.Next(4) == 0)
                    {
                        Assert.True(store.Compact(new CompactionRequest { Revision = revision }).IsOk, context);
                        model.Compact(revision);
                    }
                    break;
                }
            }
            Assert.Equal(model.Revision, store.Revision);
        }

        var events = store.ChangesFrom(store.CompactRevision + 1).Value;
        var expectedEvents = model.Versions.Where(v => v.Main > store.CompactRevision).ToList();
        Assert.Equal(expectedEvents.Select(v => (v.Key, v.Main, v.Kv?.Value)), events.Select(e => (S(e.Kv.Key), e.Kv.ModRevision, e.Type == Mvccpb.Event.Types.EventType.Put ? e.Kv.Value : null)));

        using var snapshot = new MemoryStream();
        store.WriteSnapshot(snapshot);
        snapshot.Position = 0;
        var restored = MvccStore.Restore(snapshot);
        Assert.Equal(store.Hash(), restored.Hash());
        for (var revision = store.CompactRevision; revision <= store.Revision; revision++)
        {
            Assert.Equal(model.Range(Get("\0", "\0", revision)).Value, restored.Range(Get("\0", "\0", revision)).Value);
        }
    }

    private static TxnRequest RandomTxn(Random random, Func<string> randomKey, Func<string, string> randomEnd, long revision)
    {
        RequestOp RandomOp()
        {
            var key = randomKey();
            return random.Next(3) switch
            {
                0 => Op(Put(key, $"t{random.Next(100)}")),
                1 => Op(new DeleteRangeRequest { Key = B(key), RangeEnd = B(randomEnd(key)), PrevKv = random.Next(2) == 0 }),
                _ => Op(new RangeRequest { Key = B(key), RangeEnd = B(randomEnd(key)), Revision = random.Next(3) == 0 ? random.NextInt64(1, revision + 1) : 0 }),
            };
        }
        var compares = Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(2) == 0
            ? new Compare { Key = B(randomKey()), Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Equal, Version = random.Next(3) }
            : new Compare { Key = B(randomKey()), Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = B($"t{random.Next(100)}") });
        return Txn(compares.ToList(), Enumerable.Range(0, random.Next(5)).Select(_ => RandomOp()).ToList(), Enumerable.Range(0, random.Next(5)).Select(_ => RandomOp()).ToList());
    }
}
