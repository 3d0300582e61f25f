using Etcdserverpb;
using Google.Protobuf;
using GrainKv.Grains.Replication;
using GrainKv.Shard;
using GrainKv.Testing.Linearizability;

namespace GrainKv.Simulation.Tests;

/// <summary>
/// A client that calls one operation at a time against the replica it believes leads, retries a
/// definite refusal (not leader) on another replica, and gives up after a timeout: a call it gave
/// up on may still take effect, so it is recorded with an unknown outcome.
/// </summary>
public sealed class SimulatedClient(int id, Simulation simulation)
{
    private Operation? _call;
    private int _attempt;
    private ulong _target = 1;
    private int _sequence;

    public bool Busy => _call is not null;

    public void Call(Operation call)
    {
        _call = call;
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
        simulation.Cluster.Calls.Call(target, core => Submit(core, call), reply => OnReply(attempt, target, reply));
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
            OperationKind.Get => ShardReply.ResponseOneofCase.Range,
            _ => ShardReply.ResponseOneofCase.Txn,
        };
        if (reply.ResponseCase != expected) simulation.Fail($"{call} was answered with a {reply.ResponseCase} reply: {reply}");
        var now = simulation.Clock.NowMs;
        return call.Kind switch
        {
            OperationKind.Put => call with { ReturnTime = now },
            OperationKind.Get => call with { ReturnTime = now, ReadValue = reply.Range.Kvs.Count == 0 ? null : reply.Range.Kvs[0].Value.ToStringUtf8() },
            _ => call with { ReturnTime = now, Succeeded = reply.Txn.Succeeded },
        };
    }

    private void Finish(Operation outcome)
    {
        _call = null;
        _attempt++;
        if (outcome.OutcomeUnknown) _target = _target % (ulong)simulation.Options.Replicas + 1;
        simulation.Record(outcome);
    }

    private static Task<ShardReply> Submit(ReplicaCore core, Operation call)
    {
        var key = ByteString.CopyFromUtf8(call.Key);
        return call.Kind switch
        {
            OperationKind.Put => core.Propose(new ShardCommand { Put = new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(call.Value) } }),
            OperationKind.Get => core.Read(new ShardRead { Range = new RangeRequest { Key = key } }),
            _ => core.Propose(new ShardCommand { Txn = CompareAndSwap(key, call.Expected!, call.Value!) }),
        };
    }

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
