using System.Collections.Concurrent;
using System.Diagnostics;
using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Testing.Linearizability;
using Grpc.Core;

namespace GrainKv.IntegrationTests.Infrastructure;

/// <summary>
/// The fault tests' client load: clients that put, read and compare-and-swap a few registers and put
/// acknowledgement keys, through the given endpoints (moving to the next one on an error), recording a
/// history for the linearizability checker. A write whose call failed may or may not have happened: it
/// goes into the history with an unknown outcome.
/// </summary>
public sealed class RegisterLoad(IReadOnlyList<Uri> endpoints, int clients = 4)
{
    private static readonly string[] RegisterKeys = ["reg/0", "reg/1", "reg/2"];

    private readonly ConcurrentBag<Operation> _history = [];
    private readonly ConcurrentBag<string> _acknowledged = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<LoadFailure> _failures = [];
    private Task? _running;
    private long _writes;

    public IEnumerable<Operation> History => _history;

    public int Clients => clients;

    /// <summary>The calls that failed: when, whose, and their errors.</summary>
    public IReadOnlyCollection<LoadFailure> Failures => _failures;

    /// <summary>The "ack/" keys whose puts were acknowledged: each must be on every replica in the end.</summary>
    public IEnumerable<string> AcknowledgedKeys => _acknowledged;

    /// <summary>Starts the clients; they run until <see cref="StopAsync"/>.</summary>
    public void Start() => _running = Task.WhenAll(Enumerable.Range(0, clients).Select(RunClientAsync));

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null) await _running;
    }

    /// <summary>Waits for <paramref name="count"/> more acknowledged writes, failing after <paramref name="within"/>.</summary>
    public async Task WaitForWritesAsync(long count, TimeSpan within, string? failure = null)
    {
        var target = Interlocked.Read(ref _writes) + count;
        var deadline = DateTime.UtcNow + within;
        while (Interlocked.Read(ref _writes) < target)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failure ?? $"fewer than {count} writes within {within}");
            await Task.Delay(20);
        }
    }

    /// <summary>Every acknowledged "ack/" key is on every member's replica (read serializably from each).</summary>
    public async Task AssertAcknowledgedOnEveryMemberAsync(GrainKvCluster cluster, long revision)
    {
        foreach (var member in cluster.Members)
        {
            using var client = new EtcdClient(member.ClientUrl);
            var acknowledged = await client.RangeAsync(new RangeRequest { Key = B("ack/"), RangeEnd = B("ack0"), Serializable = true, KeysOnly = true });
            var present = acknowledged.Kvs.Select(kv => kv.Key.ToStringUtf8()).ToHashSet();
            var missing = AcknowledgedKeys.Where(k => !present.Contains(k)).ToArray();
            Assert.True(missing.Length == 0, $"{member.Name} at revision {revision} lacks {missing.Length} acknowledged writes, e.g. {missing.FirstOrDefault()}");
        }
    }

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    private async Task RunClientAsync(int clientId)
    {
        var random = new Random(clientId);
        var endpointIndex = clientId;
        var sequence = 0;
        while (!_stop.IsCancellationRequested)
        {
            using var client = new EtcdClient(endpoints[endpointIndex % endpoints.Count]);
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    sequence++;
                    await OneOperationAsync(client, clientId, sequence, random);
                }
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or TaskCanceledException)
            {
                _failures.Enqueue(new LoadFailure(DateTime.UtcNow, clientId, ex.Message));
                endpointIndex++;
                await Task.Delay(50);
            }
        }
    }

    private async Task OneOperationAsync(EtcdClient client, int clientId, int sequence, Random random)
    {
        var key = RegisterKeys[random.Next(RegisterKeys.Length)];
        var value = $"c{clientId}-{sequence}";
        var call = Stopwatch.GetTimestamp();
        switch (random.Next(4))
        {
            case 0:
                await Record(Operation.Put(clientId, key, value, call, Operation.NeverReturned), async () =>
                {
                    await client.PutAsync(key, value);
                    return op => op with { ReturnTime = Stopwatch.GetTimestamp() };
                });
                break;
            case 1:
                var expected = $"c{random.Next(clients)}-{Math.Max(1, sequence - random.Next(1, 10))}";
                await Record(Operation.Cas(clientId, key, expected, value, false, call, Operation.NeverReturned), async () =>
                {
                    var txn = await client.TxnAsync(new TxnRequest
                    {
                        Compare = { new Compare { Key = B(key), Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = B(expected) } },
                        Success = { new RequestOp { RequestPut = new PutRequest { Key = B(key), Value = B(value) } } },
                    });
                    return op => op with { Succeeded = txn.Succeeded, ReturnTime = Stopwatch.GetTimestamp() };
                });
                break;
            case 2:
                var read = await client.RangeAsync(new RangeRequest { Key = B(key) });
                _history.Add(Operation.Get(clientId, key, read.Kvs.Count == 0 ? null : read.Kvs[0].Value.ToStringUtf8(), call, Stopwatch.GetTimestamp()));
                break;
            default:
                var ackKey = $"ack/{clientId}/{sequence:D6}";
                await client.PutAsync(ackKey, value);
                _acknowledged.Add(ackKey);
                Interlocked.Increment(ref _writes);
                break;
        }
    }

    private async Task Record(Operation pending, Func<Task<Func<Operation, Operation>>> call)
    {
        try
        {
            var complete = await call();
            _history.Add(complete(pending));
            Interlocked.Increment(ref _writes);
        }
        catch
        {
            _history.Add(pending.WithUnknownOutcome());
            throw;
        }
    }
}

/// <summary>A call of <see cref="RegisterLoad"/> that failed.</summary>
public sealed record LoadFailure(DateTime At, int Client, string Error)
{
    public override string ToString() => $"{At:HH:mm:ss.fff} client {Client}: {Error}";
}
