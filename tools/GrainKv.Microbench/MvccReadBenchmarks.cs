using BenchmarkDotNet.Attributes;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Mvcc;

namespace GrainKv.Microbench;

/// <summary>Reads from the MVCC index of a 100k-key store; reads change nothing, so one store serves every run.</summary>
[MemoryDiagnoser]
[ShortInProcessJob]
public class MvccReadBenchmarks
{
    private MvccStore _store = null!;
    private RangeRequest _oneKey = null!;
    private RangeRequest _hundredKeyPrefix = null!;

    [GlobalSetup]
    public void Setup()
    {
        _store = MvccData.PopulatedStore();
        _oneKey = new RangeRequest { Key = MvccData.Key(MvccData.StoreKeyCount / 2) };
        // key/0123 is the prefix of exactly key/012300 … key/012399.
        _hundredKeyPrefix = new RangeRequest { Key = ByteString.CopyFromUtf8("key/0123"), RangeEnd = ByteString.CopyFromUtf8("key/0124") };
        ExpectCount(_oneKey, 1);
        ExpectCount(_hundredKeyPrefix, 100);
    }

    [Benchmark]
    public RangeResponse Range_OneKey() => _store.Range(_oneKey).Value;

    [Benchmark]
    public RangeResponse Range_HundredKeyPrefix() => _store.Range(_hundredKeyPrefix).Value;

    private void ExpectCount(RangeRequest request, int expected)
    {
        var response = _store.Range(request).Value;
        if (response.Kvs.Count != expected)
        {
            throw new InvalidOperationException($"range {request.Key.ToStringUtf8()} returned {response.Kvs.Count} keys, expected {expected}");
        }
    }
}
