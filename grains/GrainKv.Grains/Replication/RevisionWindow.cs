using GrainKv.Shard;

namespace GrainKv.Grains.Replication;

/// <summary>
/// Group 0's leader's block of revisions: reserved from the revision oracle through Raft (one commit per
/// <see cref="ReserveStep"/> revisions), then handed out from memory in the order asked, each allocation confirmed by a
/// ReadIndex round rather than a commit. A block is used only by the leader that proposed it, in the term it proposed
/// it in, so a later leader (which applies the reservation before reserving its own) always hands out greater
/// revisions; a deposed leader cannot confirm an allocation any more. The caller holds its replica's gate.
/// </summary>
public sealed class RevisionWindow
{
    public const uint ReserveStep = 100_000;

    private readonly Queue<(uint Count, TaskCompletionSource<ShardReply> Waiter)> _waiting = new();
    private long _next = 1;
    private long _last;

    /// <summary>The log index and term of the reservation proposed and not yet applied; index 0 when none.</summary>
    public (ulong Index, ulong Term) Reservation { get; set; }

    /// <summary>The next <paramref name="count"/> revisions of the block, if it has that many.</summary>
    public bool TryTake(uint count, out RevisionBlock block)
    {
        block = new RevisionBlock { First = _next, Last = _next + Math.Max(count, 1) - 1 };
        if (block.Last > _last) return false;
        _next = block.Last + 1;
        return true;
    }

    /// <summary>An allocation that waits for the next reservation.</summary>
    public void Wait(uint count, TaskCompletionSource<ShardReply> waiter) => _waiting.Enqueue((count, waiter));

    /// <summary>What the waiting allocations ask for together, at least a step: the size of the next reservation.</summary>
    public uint NextReservationSize => (uint)Math.Max(ReserveStep, _waiting.Sum(w => (long)w.Count));

    /// <summary>This leader's reservation was applied: its block replaces what was left; the waiting allocations take from it, in order.</summary>
    public List<(RevisionBlock Block, TaskCompletionSource<ShardReply> Waiter)> Reserved(RevisionBlock block)
    {
        Reservation = default;
        (_next, _last) = (block.First, block.Last);
        var served = new List<(RevisionBlock, TaskCompletionSource<ShardReply>)>();
        while (_waiting.TryPeek(out var waiting) && TryTake(waiting.Count, out var taken))
        {
            _waiting.Dequeue();
            served.Add((taken, waiting.Waiter));
        }
        return served;
    }

    /// <summary>Leadership lost (or the replica stopped): the block is given up, and the allocations waiting for one are returned to be refused.</summary>
    public List<TaskCompletionSource<ShardReply>> GiveUp()
    {
        (_next, _last) = (1, 0);
        Reservation = default;
        var refused = _waiting.Select(w => w.Waiter).ToList();
        _waiting.Clear();
        return refused;
    }
}
