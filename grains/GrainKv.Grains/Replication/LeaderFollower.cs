using GrainKv.Shard;

namespace GrainKv.Grains.Replication;

/// <summary>
/// Calls the replica that leads a Raft group, wherever it is, following leader changes; the reply names the leader
/// that served it. A replica that no longer leads answers with the leader it knows, which is tried next (once per
/// call, so two stale replicas cannot send a call back and forth); otherwise the nearest replica is asked to tell when
/// it knows a leader other than the stale one. A call whose leader's silo dropped away may still have been proposed
/// there, so only an idempotent call is sent again; a write's outcome is then unknown and answered as a timeout, as
/// etcd answers a write lost with its leader (<see cref="LostCall"/>). A call that could not even connect to that silo
/// never left this one, so it waits for the next leader instead. The leader last served by is remembered for the next call.
/// </summary>
/// <param name="waitForLeader">The nearest replica's <c>WaitForLeader</c>: completes with a leader other than the stale one (0: any).</param>
public sealed class LeaderFollower(Func<ulong, Task<ulong>> waitForLeader)
{
    /// <summary>How long to look for a leader before answering "no leader" (etcd's clients retry that).</summary>
    public static readonly TimeSpan LeaderWait = TimeSpan.FromSeconds(5);

    private ulong _leaderId;

    /// <summary>The leader whose silo a call was lost to: not asked again until the group has another, or it again in a later term.</summary>
    private ulong _lostLeaderId;

    public async Task<ShardReply> CallAsync(Func<ulong, Task<ShardReply>> callReplica, bool idempotent)
    {
        var deadline = DateTime.UtcNow + LeaderWait;
        ulong stale = 0;
        var hintFollowed = false;
        while (true)
        {
            if (_leaderId == 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return new ShardReply { Error = ShardError.NoLeader };
                try
                {
                    _leaderId = await waitForLeader(stale != 0 ? stale : _lostLeaderId).WaitAsync(left);
                }
                catch (TimeoutException)
                {
                    // A group that keeps the leader a call was lost to (its silo was slow, not gone) is asked anew next time.
                    _lostLeaderId = 0;
                    return new ShardReply { Error = ShardError.NoLeader };
                }
            }
            var leaderId = _leaderId;
            try
            {
                var reply = await callReplica(leaderId);
                if (reply.Error is not (ShardError.NotLeader or ShardError.NoLeader))
                {
                    _lostLeaderId = 0;
                    reply.LeaderId = leaderId;
                    return reply;
                }
                var hint = reply.LeaderId;
                _leaderId = !hintFollowed && hint != leaderId ? hint : 0;
                hintFollowed |= hint != 0;
            }
            catch (Exception error) when (LostCall.Is(error))
            {
                // The leader's silo is gone; the survivors elect another and the nearest replica learns it. Until then
                // it still names the lost leader, so later calls wait for another rather than be lost the same way. A
                // call that only timed out (a slow leader, storage down) leaves the leader as it is.
                _leaderId = 0;
                _lostLeaderId = error is TimeoutException ? 0 : leaderId;
                if (!LostCall.AllowsResend(error, idempotent)) return new ShardReply { Error = ShardError.Timeout };
            }
            stale = leaderId;
        }
    }
}
