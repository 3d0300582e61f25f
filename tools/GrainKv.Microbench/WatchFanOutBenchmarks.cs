using System.Buffers;
using BenchmarkDotNet.Attributes;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Mvcc;
using GrainKv.Watch;

namespace GrainKv.Microbench;

/// <summary>
/// Watch fan-out: one put to a key that 10,000 watchers on 100 streams watch (compare.sh's watch scenario). An
/// operation applies the put to the store, hands its event to the hub, takes every stream's outbox and serializes each
/// response, as the Watch service has Grpc.AspNetCore do; flushing to the sockets is left to the end-to-end benchmark.
/// </summary>
[MemoryDiagnoser]
[ShortInProcessJob]
public class WatchFanOutBenchmarks
{
    private const int Streams = 100;
    private const int WatchersPerStream = 100;

    private readonly ArrayBufferWriter<byte> _frames = new(1024 * 1024);
    private readonly PutRequest _put = new() { Key = ByteString.CopyFromUtf8("watch-latency"), Value = ByteString.CopyFrom(new byte[8]) };
    private MvccStore _store = null!;
    private WatchHub _hub = null!;
    private WatchStream[] _streams = null!;

    [GlobalSetup]
    public void Setup()
    {
        _store = new MvccStore();
        _hub = new WatchHub(_store);
        _streams = new WatchStream[Streams];
        var create = new WatchRequest { CreateRequest = new WatchCreateRequest { Key = _put.Key } };
        for (var i = 0; i < Streams; i++)
        {
            _streams[i] = _hub.OpenStream();
            for (var j = 0; j < WatchersPerStream; j++)
            {
                _streams[i].Handle(create);
            }
            _streams[i].TakeOutbox();
        }
        _hub.TakeReadyStreams();
    }

    /// <summary>Returns the bytes serialized, which must be one event response per watcher.</summary>
    [Benchmark]
    public int PutToKeyWithTenThousandWatchers()
    {
        var before = _store.Revision;
        _store.Put(_put);
        _hub.OnApplied(_store.Revision, _store.ChangesFrom(before + 1, _store.Revision, withPrevKv: true).Value);
        _frames.ResetWrittenCount();
        var responses = 0;
        foreach (var stream in _hub.TakeReadyStreams())
        {
            foreach (var response in stream.TakeOutbox())
            {
                response.WriteTo(_frames);
                responses++;
            }
        }
        if (responses != Streams * WatchersPerStream)
        {
            throw new InvalidOperationException($"{responses} responses for {Streams * WatchersPerStream} watchers");
        }
        return _frames.WrittenCount;
    }
}
