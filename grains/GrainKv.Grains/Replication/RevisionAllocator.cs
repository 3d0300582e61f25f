using GrainKv.Shard;

namespace GrainKv.Grains.Replication;

/// <summary>
/// This silo's way to the revision oracle: one allocation in flight at a time for all the shards whose leaders run
/// here; the revisions asked for meanwhile go together in the next one. A request never joins an allocation already
/// sent, so every revision it gets was allocated after it was made: a write that starts after another was acknowledged
/// gets a greater revision (real-time order), with no block of revisions held ahead.
/// </summary>
/// <param name="allocate">Asks group 0 for that many revisions (an <c>AllocateRevisions</c> proposal).</param>
/// <param name="answered">Called after each allocation's requests were answered (they proposed): wakes the Raft loop.</param>
public sealed class RevisionAllocator(Func<uint, Task<ShardReply>> allocate, Action answered) : IRevisionSource
{
    private readonly object _gate = new();
    private List<(Action<long> Granted, Action<ShardError> Failed)> _waiting = [];
    private bool _allocating;

    public void Request(Action<long> granted, Action<ShardError> failed)
    {
        lock (_gate)
        {
            _waiting.Add((granted, failed));
            if (_allocating) return;
            _allocating = true;
        }
        // Off the caller's thread: it may hold its replica's gate, and the allocation proposes to group 0's replica.
        _ = Task.Run(AllocateWhileAskedAsync);
    }

    private async Task AllocateWhileAskedAsync()
    {
        while (true)
        {
            List<(Action<long> Granted, Action<ShardError> Failed)> asked;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _allocating = false;
                    return;
                }
                asked = _waiting;
                _waiting = [];
            }
            var reply = await AllocateAsync((uint)asked.Count);
            for (var i = 0; i < asked.Count; i++)
            {
                if (reply.Error is ShardError.None) asked[i].Granted(reply.Revisions.First + i);
                else asked[i].Failed(reply.Error);
            }
            answered();
        }
    }

    private async Task<ShardReply> AllocateAsync(uint count)
    {
        try
        {
            var reply = await allocate(count);
            return reply.Error is not ShardError.None || reply.Revisions?.Last - reply.Revisions?.First + 1 == count
                ? reply
                : new ShardReply { Error = ShardError.Timeout };
        }
        catch (Exception)
        {
            // Group 0 unreachable (every peer down, a call lost): the writes waiting fail as timed out, never hang.
            return new ShardReply { Error = ShardError.Timeout };
        }
    }
}
