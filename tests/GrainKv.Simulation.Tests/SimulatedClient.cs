using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Replication;
using GrainKv.Shard;
using GrainKv.Testing.Linearizability;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// A client that calls one operation at a time through the front door of a member drawn at random, followers
/// included, as etcd clients spread over endpoints; retries a definite refusal (not leader) on another member, and
/// gives up after a timeout: a call it gave up on may still take effect, so it is recorded with an unknown outcome.
/// Half its reads are read-only txns, which etcd serves as linearizable reads.
/// </summary>
public sealed class SimulatedClient(int id, Simulation simulation)
{
    private Operation? _call;
    private int _attempt;
    private ulong _target = 1;
    private bool _readAsTxn;
    private int _sequence;

    public bool Busy => _call is not null;

    public void Call(Operation call)
    {
        _call = call;
        _target = (ulong)simulation.Cluster.Random.Next(simulation.Options.Replicas) + 1;
        _readAsTxn = simulation.Cluster.Random.Next(2) == 0;
        simulation.Clock.Schedule(simulation.Options.ClientTimeoutMs, () =>
        {
            if (ReferenceEquals(_call, call)) Finish(call.WithUnknownOutcome());
        });
        SendAttempt();
    }

    /// <summary>A fresh value, unique in the run, so every read names the write it saw.</summary>
    public string NextValue() => $"c{id}.{++_sequence}";

    public Operation NewOperation(string key, int kind, string? expected)
    {
        var now = simulation.Clock.NowMs;
        return kind switch
        {
            0 => Operation.Put(id, key, NextValue(), now, Operation.NeverReturned),
            1 => Operation.Get(id, key, null, now, Operation.NeverReturned),
            _ => Operation.Cas(id, key, expected ?? "never-written", NextValue(), false, now, Operation.NeverReturned),
        };
    }

    private void SendAttempt()
    {
        var call = _call!;
        var attempt = ++_attempt;
        var target = _target;
        // The request reaches the replica even if the client has given up on it by now.
        var readAsTxn = _readAsTxn;
        simulation.Cluster.Calls.CallThroughFrontDoor(target, core => Submit(core, call, readAsTxn), reply => OnReply(attempt, target, reply));
    }

    private void OnReply(int attempt, ulong target, ShardReply reply)
    {
        if (attempt != _attempt || _call is not { } call) return;
        switch (reply.Error)
        {
            case ShardError.NotLeader or ShardError.LeaderChanged:
                // Refused before it reached the log: the call had no effect and can be retried.
                _target = target % (ulong)simulation.Options.Replicas + 1;
                simulation.Clock.Schedule(1, () =>
                {
                    if (ReferenceEquals(_call, call) && _attempt == attempt) SendAttempt();
                });
                return;
            case ShardError.None:
                Finish(Completed(call, reply));
                return;
            default:
                Finish(call.WithUnknownOutcome());
                return;
        }
    }

    private Operation Completed(Operation call, ShardReply reply)
    {
        var expected = call.Kind switch
        {
            OperationKind.Put => ShardReply.ResponseOneofCase.Put,
            OperationKind.Get when !_readAsTxn => ShardReply.ResponseOneofCase.Range,
            _ => ShardReply.ResponseOneofCase.Txn,
        };
        if (reply.ResponseCase != expected) simulation.Fail($"{call} was answered with a {reply.ResponseCase} reply: {reply}");
        var now = simulation.Clock.NowMs;
        return call.Kind switch
        {
            OperationKind.Put => call with { ReturnTime = now, Revision = reply.Put.Header.Revision },
            OperationKind.Get => call with { ReturnTime = now, ReadValue = ValueOf(_readAsTxn ? reply.Txn.Responses[0].ResponseRange : reply.Range) },
            _ => call with { ReturnTime = now, Succeeded = reply.Txn.Succeeded, Revision = reply.Txn.Header.Revision },
        };
    }

    private void Finish(Operation outcome)
    {
        _call = null;
        _attempt++;
        if (outcome.OutcomeUnknown) _target = _target % (ulong)simulation.Options.Replicas + 1;
        simulation.Record(outcome);
    }

    private static string? ValueOf(RangeResponse range) => range.Kvs.Count == 0 ? null : range.Kvs[0].Value.ToStringUtf8();

    private static Task<ShardReply> Submit(ReplicaCore core, Operation call, bool readAsTxn)
    {
        var key = ByteString.CopyFromUtf8(call.Key);
        return call.Kind switch
        {
            OperationKind.Put => core.Propose(new ShardCommand { Put = new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(call.Value) } }),
            OperationKind.Get when readAsTxn => core.Read(new ShardRead { Txn = ReadOnlyTxn(key) }),
            OperationKind.Get => core.Read(new ShardRead { Range = new RangeRequest { Key = key } }),
            _ => core.Propose(new ShardCommand { Txn = CompareAndSwap(key, call.Expected!, call.Value!) }),
        };
    }

    /// <summary>A read as a txn with no writes: whichever branch the compare picks reads the key, linearizably.</summary>
    private static TxnRequest ReadOnlyTxn(ByteString key) => new()
    {
        Compare = { new Compare { Key = key, Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Greater, Version = 0 } },
        Success = { new RequestOp { RequestRange = new RangeRequest { Key = key } } },
        Failure = { new RequestOp { RequestRange = new RangeRequest { Key = key } } },
    };

    /// <summary>Compare-and-swap as etcd clients write it: compare the value, put on success.</summary>
    private static TxnRequest CompareAndSwap(ByteString key, string expected, string value) => new()
    {
        Compare =
        {
            new Compare
            {
                Key = key,
                Target = Compare.Types.CompareTarget.Value,
                Result = Compare.Types.CompareResult.Equal,
                Value = ByteString.CopyFromUtf8(expected),
            },
        },
        Success = { new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(value) } } },
    };
}
