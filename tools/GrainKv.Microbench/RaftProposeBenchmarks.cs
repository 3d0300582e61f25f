using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using GrainKv.Raft;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Microbench;

/// <summary>
/// Propose-to-commit through the Raft core alone: a single-voter leader takes a batch of proposals, and the
/// benchmark plays a shell that persists nothing, sends nothing and applies nothing, only handing each ready
/// batch back with Advance until the node has nothing more to say. The node keeps its whole log in memory
/// (no snapshots here), so each iteration starts from a new leader and runs a fixed number of batches.
/// </summary>
[MemoryDiagnoser]
[ShortInProcessJob]
[InvocationCount(BatchesPerIteration)]
public class RaftProposeBenchmarks
{
    private const int BatchesPerIteration = 32_768;
    private const ulong LeaderId = 1;

    private readonly ByteString _command = ByteString.CopyFrom(new byte[128]);
    private RaftNode _node = null!;
    private ulong _firstProposalIndex;
    private int _batches;

    [Params(1, 64)]
    public int ProposalsPerBatch { get; set; }

    [IterationSetup]
    public void StartFromNewLeader()
    {
        _node = new RaftNode(new RaftConfig { Id = LeaderId, InitialVoters = [LeaderId] }, RaftDurableState.Empty, new SeededRandomSource(1), NullLogger.Instance);
        _node.Campaign();
        DrainReady();
        var status = _node.Status;
        if (status.Role != RaftRole.Leader || status.AppliedIndex != status.LastIndex)
        {
            throw new InvalidOperationException($"the single voter did not become a settled leader: {status}");
        }
        _firstProposalIndex = status.LastIndex + 1;
        _batches = 0;
    }

    [IterationCleanup]
    public void CheckEveryProposalApplied()
    {
        var expectedLastIndex = _firstProposalIndex - 1 + (ulong)(_batches * ProposalsPerBatch);
        var status = _node.Status;
        if (status.LastIndex != expectedLastIndex || status.CommitIndex != expectedLastIndex || status.AppliedIndex != expectedLastIndex)
        {
            throw new InvalidOperationException($"expected every proposal through {expectedLastIndex} committed and applied: {status}");
        }
    }

    /// <summary>One batch of proposals, from Propose until the last of them is handed out as committed.</summary>
    [Benchmark]
    public int ProposeBatch_UntilCommitted()
    {
        for (var i = 0; i < ProposalsPerBatch; i++)
        {
            if (_node.Propose(_command) is { } error)
            {
                throw new InvalidOperationException($"proposal refused: {error}");
            }
        }
        _batches++;
        return DrainReady();
    }

    /// <summary>Hands every ready batch straight back; returns how many committed entries went by.</summary>
    private int DrainReady()
    {
        var committed = 0;
        while (_node.TakeReady() is { } ready)
        {
            committed += ready.CommittedEntries.Count;
            _node.Advance(ready);
        }
        return committed;
    }
}
