using BenchmarkDotNet.Attributes;
using Etcdserverpb;
using GrainKv.Mvcc;

namespace GrainKv.Microbench;

/// <summary>
/// Writes into the MVCC index of a 100k-key store. Every write adds a revision the store keeps until compaction,
/// so each iteration starts from a freshly populated store and runs a fixed number of writes (enough for the
/// 100 ms BenchmarkDotNet asks of an iteration).
/// </summary>
[MemoryDiagnoser]
[ShortInProcessJob]
[InvocationCount(WritesPerIteration)]
public class MvccWriteBenchmarks
{
    private const int WritesPerIteration = 131_072;

    /// <summary>Prime, so coprime with the key count: ordinal i * this visits every existing key once per 100k writes, spread out.</summary>
    private const long KeySpreadStride = 48_271;

    private PutRequest[] _newKeyPuts = null!;
    private PutRequest[] _existingKeyPuts = null!;
    private TxnRequest[] _compareAndPuts = null!;
    private MvccStore _store = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _newKeyPuts = new PutRequest[WritesPerIteration];
        _existingKeyPuts = new PutRequest[WritesPerIteration];
        _compareAndPuts = new TxnRequest[WritesPerIteration];
        for (var i = 0; i < WritesPerIteration; i++)
        {
            _newKeyPuts[i] = MvccData.Put(MvccData.Key(MvccData.StoreKeyCount + i));
            // Spread over the whole key space so that consecutive writes do not share a B+tree leaf.
            var existing = MvccData.Key((int)(i * KeySpreadStride % MvccData.StoreKeyCount));
            _existingKeyPuts[i] = MvccData.Put(existing);
            _compareAndPuts[i] = new TxnRequest
            {
                Compare = { new Compare { Key = existing, Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Greater, Version = 0 } },
                Success = { new RequestOp { RequestPut = MvccData.Put(existing) } },
            };
        }
    }

    [IterationSetup]
    public void StartFromPopulatedStore()
    {
        _store = MvccData.PopulatedStore();
        _next = 0;
    }

    [IterationCleanup]
    public void CheckEveryWriteLanded()
    {
        var expected = MvccStore.InitialRevision + MvccData.StoreKeyCount + _next;
        if (_store.Revision != expected)
        {
            throw new InvalidOperationException($"store at revision {_store.Revision} after {_next} writes, expected {expected}");
        }
    }

    [Benchmark]
    public PutResponse Put_NewKey() => _store.Put(_newKeyPuts[_next++]).Value;

    [Benchmark]
    public PutResponse Put_ExistingKey() => _store.Put(_existingKeyPuts[_next++]).Value;

    /// <summary>If the key exists (version &gt; 0), put it: the compare always holds, so the put branch is measured.</summary>
    [Benchmark]
    public TxnResponse Txn_CompareVersionThenPut()
    {
        var response = _store.Txn(_compareAndPuts[_next++]).Value;
        if (!response.Succeeded)
        {
            throw new InvalidOperationException("the txn compare failed: the benchmark is not measuring the put branch");
        }
        return response;
    }
}
